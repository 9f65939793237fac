<?xml version="1.0"?>
<!-- Much of XSLT 1.0 on a harvest: xsl:import and apply-imports, xsl:include, a global param,
     attribute sets, xsl:element and xsl:attribute with prefixes and namespaces, a processing
     instruction, document(''), msxsl:node-set() on a variable's tree, xml:space and xsl:text,
     modes, priorities and literal elements with their namespaces. -->
<xsl:stylesheet version="1.0" xmlns:xsl="http://www.w3.org/1999/XSL/Transform" xmlns:wix="http://schemas.microsoft.com/wix/2006/wi"
   xmlns:msxsl="urn:schemas-microsoft-com:xslt" xmlns:util="http://schemas.microsoft.com/wix/UtilExtension" xmlns:me="urn:me" exclude-result-prefixes="msxsl me">
  <xsl:import href="features-base.xsl"/>
  <xsl:include href="features-inc.xsl"/>
  <xsl:param name="p" select="'P'"/>
  <me:data><me:item>one</me:item><me:item>two</me:item></me:data>
  <xsl:template match="wix:File">
    <xsl:apply-imports/>
    <xsl:comment><xsl:value-of select="concat(@Id, $suffix, $p)"/></xsl:comment>
  </xsl:template>
  <xsl:template match="wix:Component">
    <xsl:copy use-attribute-sets="common">
      <xsl:apply-templates select="@*|node()"/>
      <util:XmlFile Id="x{position()}" Action="setValue" xml:space="preserve"> <xsl:text>  keep  </xsl:text> </util:XmlFile>
      <xsl:element name="util:RemoveFolderEx"><xsl:attribute name="On">uninstall</xsl:attribute><xsl:attribute name="me:attr" namespace="urn:other">v</xsl:attribute></xsl:element>
      <xsl:processing-instruction name="define">X = "<xsl:value-of select="count(document('')//me:item)"/>"</xsl:processing-instruction>
      <xsl:variable name="rtf"><a>1</a><a>2</a><b>3</b></xsl:variable>
      <Sum v="{sum(msxsl:node-set($rtf)/a)}" s="{string($rtf)}"/>
    </xsl:copy>
  </xsl:template>
  <xsl:template match="wix:ComponentGroup" priority="5">
    <xsl:variable name="x" select="1"/>
    <xsl:for-each select="*[1]"><xsl:variable name="y" select="2"/><xsl:comment><xsl:value-of select="$x + $y"/></xsl:comment></xsl:for-each>
    <xsl:copy><xsl:apply-templates select="@*"/><xsl:apply-templates mode="refs" select="*"/></xsl:copy>
  </xsl:template>
  <xsl:template match="*" mode="refs"><Ref Id="{@Id}" me:x="1" xmlns:me="urn:me"/></xsl:template>
</xsl:stylesheet>
