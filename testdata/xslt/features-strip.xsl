<?xml version="1.0"?>
<!-- xsl:strip-space (a freshly indented result), xsl:number level="any", a sorted copy-of,
     attribute value templates, format-number(), the number forms of string(), name(),
     priorities and position()-based matches. -->
<xsl:stylesheet version="1.0" xmlns:xsl="http://www.w3.org/1999/XSL/Transform" xmlns:wix="http://schemas.microsoft.com/wix/2006/wi" xmlns="http://schemas.microsoft.com/wix/2006/wi" exclude-result-prefixes="wix">
  <xsl:strip-space elements="*"/>
  <xsl:template match="@*|node()"><xsl:copy><xsl:apply-templates select="@*|node()"/></xsl:copy></xsl:template>
  <xsl:template match="wix:Component">
    <xsl:copy>
      <xsl:attribute name="Win64">yes</xsl:attribute>
      <xsl:apply-templates select="@*"/>
      <xsl:comment> n=<xsl:number level="any"/> pos=<xsl:value-of select="position()"/> </xsl:comment>
      <xsl:apply-templates select="node()"/>
    </xsl:copy>
  </xsl:template>
  <xsl:template match="wix:File/@Source"><xsl:attribute name="Source"><xsl:value-of select="concat('$(var.Src)', substring-after(., 'SourceDir'))"/></xsl:attribute></xsl:template>
  <xsl:template match="wix:ComponentGroup">
    <xsl:copy><xsl:apply-templates select="@*"/>
      <xsl:for-each select="wix:ComponentRef"><xsl:sort select="@Id" order="descending"/><xsl:copy-of select="."/></xsl:for-each>
    </xsl:copy>
    <Property Id="COUNT" Value="{count(//wix:File)}"/>
    <xsl:element name="Property"><xsl:attribute name="Id">LAST</xsl:attribute><xsl:attribute name="Value"><xsl:value-of select="(//wix:File)[last()]/@Id"/></xsl:attribute></xsl:element>
    <Property Id="X" Value="{format-number(count(//wix:File) div 3, '0.00')}|{string(1 div 0)}|{-0}|{round(-0.5)}|{name(/*)}|{local-name(/*)}"/>
  </xsl:template>
  <xsl:template match="wix:Directory[@Name='x64']">
    <xsl:copy><xsl:copy-of select="@*"/><xsl:attribute name="Name">amd64</xsl:attribute><xsl:apply-templates/></xsl:copy>
  </xsl:template>
  <xsl:template match="wix:Directory[1]/@Id" priority="2"><xsl:attribute name="Id">FIRST_<xsl:value-of select="."/></xsl:attribute></xsl:template>
</xsl:stylesheet>
