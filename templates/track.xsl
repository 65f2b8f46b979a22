<?xml version="1.0" encoding="UTF-8"?>
<!-- track.xsl: GET /track/N — one song: credits, album, position, length. -->
<xsl:stylesheet version="1.0" xmlns:xsl="http://www.w3.org/1999/XSL/Transform">

<xsl:template match="page[@template='track']/content" mode="content">
  <xsl:apply-templates select="track" mode="track"/>
</xsl:template>

<xsl:template match="track" mode="track">
  <xsl:variable name="tint"><xsl:call-template name="tint-class"><xsl:with-param name="id" select="album/@id"/></xsl:call-template></xsl:variable>
  <div class="hero {$tint}">
    <div class="hero-art">
      <xsl:for-each select="album">
        <xsl:call-template name="cover">
          <xsl:with-param name="size" select="480"/>
          <xsl:with-param name="alt" select="concat('Cover of ', title)"/>
          <xsl:with-param name="lazy" select="false()"/>
        </xsl:call-template>
      </xsl:for-each>
    </div>
    <div class="hero-text">
      <p class="kicker">Song</p>
      <h1><xsl:if test="string-length(title) &gt; 40"><xsl:attribute name="class">is-long</xsl:attribute></xsl:if><xsl:value-of select="title"/></h1>
      <p class="hero-by">
        <xsl:for-each select="artists/artist[not(@role) or @role = 'main' or @role = '']">
          <xsl:if test="position() &gt; 1"><xsl:text>, </xsl:text></xsl:if>
          <a href="/artist/{@id}"><xsl:value-of select="."/></a>
        </xsl:for-each>
        <xsl:for-each select="artists/artist[@role = 'featured']">
          <xsl:choose>
            <xsl:when test="position() = 1"><span class="muted"> feat. </span></xsl:when>
            <xsl:otherwise><xsl:text>, </xsl:text></xsl:otherwise>
          </xsl:choose>
          <a href="/artist/{@id}"><xsl:value-of select="."/></a>
        </xsl:for-each>
      </p>
      <p class="hero-meta">
        <a href="/album/{album/@id}"><xsl:value-of select="album/title"/></a>
        <xsl:if test="string(album/year) != ''"><xsl:text> · </xsl:text><xsl:value-of select="album/year"/></xsl:if>
        <xsl:if test="string(duration) != ''"><xsl:text> · </xsl:text><xsl:apply-templates select="duration" mode="time"/></xsl:if>
      </p>
    </div>
  </div>
  <div class="actions-bar" data-js="">
    <xsl:call-template name="track-data">
      <xsl:with-param name="id" select="@id"/>
      <xsl:with-param name="title" select="title"/>
      <xsl:with-param name="artist"><xsl:for-each select="artists"><xsl:call-template name="artist-names"/></xsl:for-each></xsl:with-param>
      <xsl:with-param name="album" select="album/title"/>
      <xsl:with-param name="album-id" select="album/@id"/>
      <xsl:with-param name="cover" select="album/cover"/>
      <xsl:with-param name="ms" select="duration/@ms"/>
    </xsl:call-template>
    <xsl:call-template name="play-big">
      <xsl:with-param name="act" select="'play-row'"/>
      <xsl:with-param name="label" select="concat('Play ', normalize-space(title))"/>
    </xsl:call-template>
    <xsl:call-template name="action-button">
      <xsl:with-param name="act" select="'queue-next'"/>
      <xsl:with-param name="text" select="'Play next'"/>
      <xsl:with-param name="icon" select="$i-playnext"/>
    </xsl:call-template>
    <xsl:call-template name="action-button">
      <xsl:with-param name="act" select="'queue-add'"/>
      <xsl:with-param name="text" select="'Add to queue'"/>
      <xsl:with-param name="icon" select="$i-add"/>
    </xsl:call-template>
    <!-- library.js shows it to signed-in visitors (the page is cached for everybody) -->
    <button type="button" class="like" data-like="track" data-id="{@id}" aria-pressed="false" hidden="hidden"
            aria-label="{concat('Like ', normalize-space(title))}">
      <xsl:call-template name="icon"><xsl:with-param name="d" select="$i-heart"/></xsl:call-template>
    </button>
    <xsl:call-template name="rec-radio-button">
      <xsl:with-param name="radio" select="concat('track:', @id)"/>
      <xsl:with-param name="label" select="concat('Start a radio from ', normalize-space(title))"/>
    </xsl:call-template>
  </div>
  <section class="shelf">
    <h2>Details</h2>
    <dl class="details">
      <div>
        <dt>Album</dt>
        <dd><a href="/album/{album/@id}"><xsl:value-of select="album/title"/></a></dd>
      </div>
      <xsl:if test="string(number) != ''">
        <div>
          <dt>Track</dt>
          <dd>
            <xsl:value-of select="number"/>
            <xsl:if test="string(disc) != ''"><xsl:text> on disc </xsl:text><xsl:value-of select="disc"/></xsl:if>
          </dd>
        </div>
      </xsl:if>
      <xsl:if test="string(duration) != ''">
        <div>
          <dt>Length</dt>
          <dd><xsl:apply-templates select="duration" mode="time"/></dd>
        </div>
      </xsl:if>
      <xsl:if test="string(genre) != ''">
        <div>
          <dt>Genre</dt>
          <dd><xsl:value-of select="genre"/></dd>
        </div>
      </xsl:if>
      <xsl:if test="artists/artist">
        <div>
          <dt>Credits</dt>
          <dd>
            <ul class="credits">
              <xsl:for-each select="artists/artist">
                <li>
                  <a href="/artist/{@id}"><xsl:value-of select="."/></a>
                  <xsl:if test="string(@role) != '' and @role != 'main'">
                    <span class="muted"><xsl:text> · </xsl:text><xsl:value-of select="@role"/></span>
                  </xsl:if>
                </li>
              </xsl:for-each>
            </ul>
          </dd>
        </div>
      </xsl:if>
    </dl>
  </section>
</xsl:template>

</xsl:stylesheet>
