<?xml version="1.0" encoding="utf-8"?>
<!-- The shortest form of the same transform, as it is usually posted: contains() on the
     Source, with the wix: prefix bound to the v3 namespace. -->
<xsl:stylesheet version="1.0" xmlns:xsl="http://www.w3.org/1999/XSL/Transform"
                xmlns:wix="http://schemas.microsoft.com/wix/2006/wi">
  <xsl:output method="xml" indent="yes" />
  <xsl:template match="@*|node()">
    <xsl:copy>
      <xsl:apply-templates select="@*|node()" />
    </xsl:copy>
  </xsl:template>
  <xsl:key name="pdb" match="wix:Component[contains(wix:File/@Source, '.pdb')]" use="@Id" />
  <xsl:template match="wix:Component[key('pdb', @Id)]" />
  <xsl:template match="wix:ComponentRef[key('pdb', @Id)]" />
</xsl:stylesheet>
