<?xml version="1.0" encoding="utf-8"?>
<!-- The transform heat users write to leave .pdb files out of a harvest: every Component
     whose File ends in .pdb (in any case), and every ComponentRef to one, is dropped. -->
<xsl:stylesheet version="1.0"
    xmlns:xsl="http://www.w3.org/1999/XSL/Transform"
    xmlns:wix="http://schemas.microsoft.com/wix/2006/wi"
    xmlns="http://schemas.microsoft.com/wix/2006/wi"
    exclude-result-prefixes="wix">

  <xsl:output method="xml" indent="yes" />

  <!-- Copy everything else as it is. -->
  <xsl:template match="@*|node()">
    <xsl:copy>
      <xsl:apply-templates select="@*|node()" />
    </xsl:copy>
  </xsl:template>

  <xsl:key name="pdb-search"
           match="wix:Component[substring(translate(wix:File/@Source, 'PDB', 'pdb'),
                                          string-length(wix:File/@Source) - 3) = '.pdb']"
           use="@Id" />

  <xsl:template match="wix:Component[key('pdb-search', @Id)]" />
  <xsl:template match="wix:ComponentRef[key('pdb-search', @Id)]" />
</xsl:stylesheet>
