<?xml version="1.0" encoding="utf-8"?>
<xsl:stylesheet version="1.0" xmlns:xsl="http://www.w3.org/1999/XSL/Transform"
                xmlns:wix="http://schemas.microsoft.com/wix/2006/wi">
  <xsl:template match="/">
    <xsl:if test="//wix:File[contains(@Source, '.pdb')]">
      <xsl:message terminate="yes">a .pdb is in the harvest</xsl:message>
    </xsl:if>
    <xsl:copy-of select="." />
  </xsl:template>
</xsl:stylesheet>
