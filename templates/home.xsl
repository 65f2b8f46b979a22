<?xml version="1.0" encoding="UTF-8"?>
<!-- home.xsl: GET / — catalog totals and the recently added albums. -->
<xsl:stylesheet version="1.0" xmlns:xsl="http://www.w3.org/1999/XSL/Transform">

<xsl:template match="page[@template='home']/content" mode="content">
  <div class="page-head">
    <h1>Listen now</h1>
    <xsl:apply-templates select="stats" mode="home"/>
  </div>
  <section class="shelf">
    <h2>Recently added</h2>
    <xsl:choose>
      <xsl:when test="recent/album">
        <ul class="grid">
          <xsl:for-each select="recent/album">
            <xsl:call-template name="album-card"/>
          </xsl:for-each>
        </ul>
      </xsl:when>
      <xsl:otherwise>
        <p class="empty">Nothing here yet. Albums appear here as soon as music is added to the library.</p>
      </xsl:otherwise>
    </xsl:choose>
  </section>
</xsl:template>

<xsl:template match="stats" mode="home">
  <p class="stats">
    <a href="/browse">
      <xsl:call-template name="count">
        <xsl:with-param name="n" select="artists"/>
        <xsl:with-param name="one" select="'artist'"/>
        <xsl:with-param name="many" select="'artists'"/>
      </xsl:call-template>
    </a>
    <xsl:text> · </xsl:text>
    <xsl:call-template name="count">
      <xsl:with-param name="n" select="albums"/>
      <xsl:with-param name="one" select="'album'"/>
      <xsl:with-param name="many" select="'albums'"/>
    </xsl:call-template>
    <xsl:text> · </xsl:text>
    <xsl:call-template name="count">
      <xsl:with-param name="n" select="tracks"/>
      <xsl:with-param name="one" select="'song'"/>
      <xsl:with-param name="many" select="'songs'"/>
    </xsl:call-template>
  </p>
</xsl:template>

</xsl:stylesheet>
