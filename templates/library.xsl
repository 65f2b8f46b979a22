<?xml version="1.0" encoding="UTF-8"?>
<!-- library.xsl — placeholder. -->
<xsl:stylesheet version="1.0" xmlns:xsl="http://www.w3.org/1999/XSL/Transform">
</xsl:stylesheet>
