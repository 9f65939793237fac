<?xml version="1.0"?>
<!-- Imported by features-copy.xsl: an identity, a File rule it overrides and an attribute set. -->
<xsl:stylesheet version="1.0" xmlns:xsl="http://www.w3.org/1999/XSL/Transform" xmlns:wix="http://schemas.microsoft.com/wix/2006/wi">
  <xsl:template match="wix:File"><xsl:copy><xsl:attribute name="Imported">yes</xsl:attribute><xsl:apply-templates select="@*|node()"/></xsl:copy></xsl:template>
  <xsl:template match="@*|node()"><xsl:copy><xsl:apply-templates select="@*|node()"/></xsl:copy></xsl:template>
  <xsl:attribute-set name="common"><xsl:attribute name="Vital">yes</xsl:attribute></xsl:attribute-set>
</xsl:stylesheet>
