<?xml version="1.0"?>
<!-- Included by features-copy.xsl: a global variable. -->
<xsl:stylesheet version="1.0" xmlns:xsl="http://www.w3.org/1999/XSL/Transform" xmlns:wix="http://schemas.microsoft.com/wix/2006/wi">
  <xsl:variable name="suffix" select="'_inc'"/>
</xsl:stylesheet>
