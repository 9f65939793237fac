<?xml version="1.0"?>
<!-- A report in place of the harvest (in a Wix root, as -t requires of a result): xsl:key,
     xsl:sort, axes (ancestor, preceding-sibling, following), position() and last(), xsl:choose,
     a recursive named template with parameters, xsl:number (single, multiple, formats) and the
     string, number and boolean functions. -->
<xsl:stylesheet version="1.0" xmlns:xsl="http://www.w3.org/1999/XSL/Transform" xmlns:wix="http://schemas.microsoft.com/wix/2006/wi">
  <xsl:output indent="yes"/>
  <xsl:key name="byDir" match="wix:Component" use="@Directory"/>
  <xsl:template match="/">
    <wix:Wix>
    <Report>
      <xsl:for-each select="//wix:Directory">
        <xsl:sort select="@Name"/>
        <xsl:variable name="files" select="key('byDir', @Id)/wix:File"/>
        <Dir name="{@Name}" depth="{count(ancestor::wix:Directory)}" files="{count($files)}" first="{$files[1]/@Source}" prev="{preceding-sibling::wix:Directory[1]/@Name}" next="{following::wix:Directory[1]/@Name}" anc="{ancestor::*[2]/@Id}">
          <xsl:for-each select="$files"><F pos="{position()}" of="{last()}"><xsl:value-of select="translate(@Source, '\', '/')"/></F></xsl:for-each>
          <xsl:choose><xsl:when test="count($files) &gt; 1">many</xsl:when><xsl:when test="$files">one</xsl:when><xsl:otherwise>none</xsl:otherwise></xsl:choose>
        </Dir>
      </xsl:for-each>
      <xsl:call-template name="rec"><xsl:with-param name="n" select="5"/></xsl:call-template>
      <T><xsl:value-of select="string-length(normalize-space('  a  b  '))"/>,<xsl:value-of select="substring('abcdef', 0, 3)"/>,<xsl:value-of select="substring('abcdef', 1.5, 2.6)"/>,<xsl:value-of select="boolean('false')"/>,<xsl:value-of select="number('x') = number('x')"/>,<xsl:value-of select="'10' &lt; '9'"/>,<xsl:value-of select="sum(//wix:File/@KeyPath[. = 'yes']/../@Id) "/>,<xsl:value-of select="generate-id(/) = generate-id(/)"/>,<xsl:value-of select="count(//@*[starts-with(name(), 'K')])"/>,<xsl:value-of select="count(//wix:File[@KeyPath] | //wix:Component)"/>,<xsl:value-of select="//wix:Component[last()]/@Id"/>,<xsl:value-of select="count(//*[not(*)])"/></T>
      <xsl:apply-templates select="//wix:Component[position() &lt; 3]" mode="list"/>
    </Report>
    </wix:Wix>
  </xsl:template>
  <xsl:template match="wix:Component" mode="list"><C><xsl:number count="wix:Component" level="single" format="(a)"/>-<xsl:number level="multiple" count="wix:Directory|wix:Component" format="1.1"/></C></xsl:template>
  <xsl:template name="rec"><xsl:param name="n"/><xsl:if test="$n &gt; 0"><R n="{$n}"/><xsl:call-template name="rec"><xsl:with-param name="n" select="$n - 1"/></xsl:call-template></xsl:if></xsl:template>
</xsl:stylesheet>
