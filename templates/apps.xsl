<?xml version="1.0" encoding="UTF-8"?>
<!-- apps.xsl — placeholder, filled in by its owner. -->
<xsl:stylesheet version="1.0" xmlns:xsl="http://www.w3.org/1999/XSL/Transform">
</xsl:stylesheet>
