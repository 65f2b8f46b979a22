<?xml version="1.0" encoding="UTF-8"?>
<!-- artist.xsl: GET /artist/N — name, counts, albums by year, appears on. -->
<xsl:stylesheet version="1.0" xmlns:xsl="http://www.w3.org/1999/XSL/Transform">

<xsl:template match="page[@template='artist']/content" mode="content">
  <xsl:apply-templates select="artist" mode="artist"/>
  <section class="shelf">
    <h2>Albums</h2>
    <xsl:choose>
      <xsl:when test="albums/album">
        <ul class="grid">
          <xsl:for-each select="albums/album">
            <xsl:call-template name="album-card">
              <xsl:with-param name="show" select="'year'"/>
            </xsl:call-template>
          </xsl:for-each>
        </ul>
      </xsl:when>
      <xsl:otherwise><p class="empty">No albums yet.</p></xsl:otherwise>
    </xsl:choose>
  </section>
  <xsl:if test="appears-on/album">
    <section class="shelf">
      <h2>Appears on</h2>
      <ul class="grid">
        <xsl:for-each select="appears-on/album">
          <xsl:call-template name="album-card"/>
        </xsl:for-each>
      </ul>
    </section>
  </xsl:if>
</xsl:template>

<xsl:template match="artist" mode="artist">
  <xsl:variable name="tint"><xsl:call-template name="tint-class"><xsl:with-param name="id" select="@id"/></xsl:call-template></xsl:variable>
  <div class="hero hero-artist {$tint}">
    <div class="hero-art">
      <xsl:call-template name="placeholder">
        <xsl:with-param name="id" select="@id"/>
        <xsl:with-param name="name" select="name"/>
        <xsl:with-param name="class" select="'avatar'"/>
      </xsl:call-template>
    </div>
    <div class="hero-text">
      <p class="kicker">Artist</p>
      <h1><xsl:if test="string-length(name) &gt; 40"><xsl:attribute name="class">is-long</xsl:attribute></xsl:if><xsl:value-of select="name"/></h1>
      <p class="hero-meta">
        <xsl:call-template name="count">
          <xsl:with-param name="n" select="albums-count"/>
          <xsl:with-param name="one" select="'album'"/>
          <xsl:with-param name="many" select="'albums'"/>
        </xsl:call-template>
        <xsl:text> · </xsl:text>
        <xsl:call-template name="count">
          <xsl:with-param name="n" select="tracks-count"/>
          <xsl:with-param name="one" select="'song'"/>
          <xsl:with-param name="many" select="'songs'"/>
        </xsl:call-template>
      </p>
      <!-- library.js shows it to signed-in visitors (the page is cached for everybody) -->
      <p class="hero-actions">
        <button type="button" class="like like-follow button button-quiet" data-like="artist" data-id="{@id}"
                aria-pressed="false" hidden="hidden"><span class="like-text">Follow</span></button>
        <xsl:call-template name="rec-radio-button">
          <xsl:with-param name="radio" select="concat('artist:', @id)"/>
          <xsl:with-param name="label" select="concat('Start a radio from ', normalize-space(name))"/>
        </xsl:call-template>
      </p>
    </div>
  </div>
</xsl:template>

</xsl:stylesheet>
