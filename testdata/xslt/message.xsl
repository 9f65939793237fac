<?xml version="1.0" encoding="utf-8"?>
<xsl:stylesheet version="1.0" xmlns:xsl="http://www.w3.org/1999/XSL/Transform"
                xmlns:wix="http://schemas.microsoft.com/wix/2006/wi">
  <xsl:template match="@*|node()">
    <xsl:copy><xsl:apply-templates select="@*|node()" /></xsl:copy>
  </xsl:template>
  <xsl:template match="/">
    <xsl:message>files: <xsl:value-of select="count(//wix:File)" /></xsl:message>
    <xsl:if test="count(//wix:File) &gt; 100">
      <xsl:message terminate="yes">too many files</xsl:message>
    </xsl:if>
    <xsl:apply-templates />
  </xsl:template>
</xsl:stylesheet>
