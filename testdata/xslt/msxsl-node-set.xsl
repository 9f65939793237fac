<?xml version="1.0" encoding="utf-8"?>
<!-- Written for heat's .NET processor: the extensions to leave out are a result tree turned
     into a node-set with msxsl:node-set(). -->
<xsl:stylesheet version="1.0"
    xmlns:xsl="http://www.w3.org/1999/XSL/Transform"
    xmlns:msxsl="urn:schemas-microsoft-com:xslt"
    xmlns:wix="http://schemas.microsoft.com/wix/2006/wi"
    xmlns="http://schemas.microsoft.com/wix/2006/wi"
    exclude-result-prefixes="msxsl wix">

  <xsl:variable name="skip-tree"><e>.pdb</e><e>.xml</e></xsl:variable>
  <xsl:variable name="skip" select="msxsl:node-set($skip-tree)/*" />

  <xsl:template match="@*|node()">
    <xsl:copy>
      <xsl:apply-templates select="@*|node()" />
    </xsl:copy>
  </xsl:template>

  <xsl:template match="wix:Component">
    <xsl:variable name="source" select="translate(wix:File/@Source, 'PDBXML', 'pdbxml')" />
    <xsl:if test="not($skip[substring($source, string-length($source) - string-length(.) + 1) = .])">
      <xsl:copy>
        <xsl:apply-templates select="@*|node()" />
      </xsl:copy>
    </xsl:if>
  </xsl:template>
</xsl:stylesheet>
