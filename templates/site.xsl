<?xml version="1.0" encoding="UTF-8"?>
<!-- site.xsl — the one stylesheet every program compiles: the layout and
     every page.  Each page stylesheet provides the template
     match="page[@template='NAME']/content" mode="content" and keeps its other
     templates in mode NAME, so pages never collide.  Compiling one sheet
     keeps layout.xsl in memory once per process instead of once per page. -->
<xsl:stylesheet version="1.0" xmlns:xsl="http://www.w3.org/1999/XSL/Transform">
<xsl:import href="layout.xsl"/>
<xsl:include href="home.xsl"/>
<xsl:include href="artists.xsl"/>
<xsl:include href="artist.xsl"/>
<xsl:include href="album.xsl"/>
<xsl:include href="track.xsl"/>
<xsl:include href="search.xsl"/>
<xsl:include href="error.xsl"/>
<xsl:include href="login.xsl"/>
<xsl:include href="account.xsl"/>
<xsl:include href="oidc.xsl"/>
<xsl:include href="library.xsl"/>
<xsl:include href="playlist.xsl"/>
<xsl:include href="stats.xsl"/>
<xsl:include href="import.xsl"/>
<xsl:include href="recommend.xsl"/>
<xsl:include href="plans.xsl"/>
<xsl:include href="billing.xsl"/>
<xsl:include href="apps.xsl"/>
<xsl:output method="html" encoding="UTF-8" indent="no"/>
</xsl:stylesheet>
