<?xml version="1.0" encoding="UTF-8"?>
<!-- artists.xsl: GET /browse — A–Z letter bar, one page of artists, pager. -->
<xsl:stylesheet version="1.0" xmlns:xsl="http://www.w3.org/1999/XSL/Transform">

<xsl:template match="page[@template='artists']/content" mode="content">
  <xsl:variable name="letter" select="string(letters/@current)"/>
  <div class="page-head">
    <h1>Artists</h1>
    <p class="stats">
      <xsl:call-template name="count">
        <xsl:with-param name="n" select="artists/@total"/>
        <xsl:with-param name="one" select="'artist'"/>
        <xsl:with-param name="many" select="'artists'"/>
      </xsl:call-template>
      <xsl:if test="$letter != ''">
        <xsl:text> under “</xsl:text><xsl:value-of select="$letter"/><xsl:text>”</xsl:text>
      </xsl:if>
    </p>
  </div>
  <xsl:apply-templates select="letters" mode="artists"/>
  <xsl:choose>
    <xsl:when test="artists/artist">
      <ul class="artist-list">
        <xsl:for-each select="artists/artist">
          <xsl:call-template name="artist-row"/>
        </xsl:for-each>
      </ul>
    </xsl:when>
    <xsl:otherwise>
      <p class="empty">No artists here yet.</p>
    </xsl:otherwise>
  </xsl:choose>
  <xsl:apply-templates select="pager" mode="artists"/>
</xsl:template>

<xsl:template match="letters" mode="artists">
  <nav class="letters" aria-label="Artists by letter">
    <ul>
      <li>
        <a href="/browse">
          <xsl:if test="string(@current) = ''"><xsl:attribute name="aria-current">page</xsl:attribute></xsl:if>
          <xsl:text>All</xsl:text>
        </a>
      </li>
      <xsl:for-each select="letter">
        <li>
          <a>
            <xsl:attribute name="href">
              <xsl:text>/browse?letter=</xsl:text>
              <!-- "#" would start a fragment; other entries are plain letters. -->
              <xsl:choose>
                <xsl:when test=". = '#'">%23</xsl:when>
                <xsl:otherwise><xsl:value-of select="."/></xsl:otherwise>
              </xsl:choose>
            </xsl:attribute>
            <xsl:if test="string(.) = string(../@current)"><xsl:attribute name="aria-current">page</xsl:attribute></xsl:if>
            <xsl:value-of select="."/>
          </a>
        </li>
      </xsl:for-each>
    </ul>
  </nav>
</xsl:template>

<xsl:template match="pager" mode="artists">
  <xsl:if test="number(@pages) &gt; 1">
    <nav class="pager" aria-label="Pages">
      <xsl:choose>
        <xsl:when test="normalize-space(prev) != ''">
          <a class="button button-quiet" rel="prev" href="{normalize-space(prev)}"><span aria-hidden="true">← </span>Previous</a>
        </xsl:when>
        <xsl:otherwise><span class="button button-quiet is-off">Previous</span></xsl:otherwise>
      </xsl:choose>
      <span class="pager-where">Page <xsl:value-of select="@page"/> of <xsl:value-of select="@pages"/></span>
      <xsl:choose>
        <xsl:when test="normalize-space(next) != ''">
          <a class="button button-quiet" rel="next" href="{normalize-space(next)}">Next<span aria-hidden="true"> →</span></a>
        </xsl:when>
        <xsl:otherwise><span class="button button-quiet is-off">Next</span></xsl:otherwise>
      </xsl:choose>
    </nav>
  </xsl:if>
</xsl:template>

</xsl:stylesheet>
