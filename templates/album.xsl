<?xml version="1.0" encoding="UTF-8"?>
<!-- album.xsl: GET /album/N — cover, facts, and the track list (by disc when
     the album has more than one). -->
<xsl:stylesheet version="1.0" xmlns:xsl="http://www.w3.org/1999/XSL/Transform">

<xsl:template match="page[@template='album']/content" mode="content">
  <xsl:apply-templates select="album" mode="album"/>
  <xsl:choose>
    <xsl:when test="tracks/track">
      <div class="actions-bar" data-js="">
        <xsl:call-template name="play-big">
          <xsl:with-param name="act" select="'play-list'"/>
          <xsl:with-param name="label" select="concat('Play ', normalize-space(album/title))"/>
        </xsl:call-template>
        <xsl:call-template name="action-button">
          <xsl:with-param name="act" select="'shuffle-list'"/>
          <xsl:with-param name="text" select="'Shuffle'"/>
          <xsl:with-param name="icon" select="$i-shuffle"/>
          <xsl:with-param name="label" select="concat('Shuffle ', normalize-space(album/title))"/>
        </xsl:call-template>
        <xsl:call-template name="action-button">
          <xsl:with-param name="act" select="'queue-list'"/>
          <xsl:with-param name="text" select="'Add to queue'"/>
          <xsl:with-param name="icon" select="$i-add"/>
        </xsl:call-template>
        <!-- playlists.js shows it to signed-in visitors (the page is cached for everybody) -->
        <button type="button" class="button button-quiet" data-pl-album="{album/@id}"
                data-pl-title="{normalize-space(album/title)}" hidden="hidden">
          <xsl:call-template name="icon"><xsl:with-param name="d" select="$i-add"/></xsl:call-template>
          <span>Add to playlist</span>
        </button>
        <!-- library.js shows it to signed-in visitors (the page is cached for everybody) -->
        <button type="button" class="like" data-like="album" data-id="{album/@id}" aria-pressed="false" hidden="hidden"
                aria-label="{concat('Save ', normalize-space(album/title), ' to Your Library')}">
          <xsl:call-template name="icon"><xsl:with-param name="d" select="$i-heart"/></xsl:call-template>
        </button>
      </div>
      <table class="tracklist" id="tracks" data-tracklist="album:{album/@id}">
        <caption class="visually-hidden">Tracks of <xsl:value-of select="album/title"/></caption>
        <thead>
          <tr>
            <th scope="col" class="col-num"><span aria-hidden="true">#</span><span class="visually-hidden">Number</span></th>
            <th scope="col" class="col-title">Title</th>
            <th scope="col" class="col-time"><span class="visually-hidden">Duration</span><xsl:call-template name="clock"/></th>
          </tr>
        </thead>
        <xsl:choose>
          <xsl:when test="number(album/discs) &gt; 1">
            <!-- a <tbody> per disc, opened where the disc number changes -->
            <xsl:for-each select="tracks/track[not(@disc = preceding-sibling::track[1]/@disc)]">
              <xsl:variable name="disc" select="@disc"/>
              <tbody>
                <tr class="disc-row">
                  <th scope="rowgroup" colspan="3">Disc <xsl:value-of select="$disc"/></th>
                </tr>
                <xsl:apply-templates select=". | following-sibling::track[@disc = $disc]" mode="album"/>
              </tbody>
            </xsl:for-each>
          </xsl:when>
          <xsl:otherwise>
            <tbody><xsl:apply-templates select="tracks/track" mode="album"/></tbody>
          </xsl:otherwise>
        </xsl:choose>
      </table>
    </xsl:when>
    <xsl:otherwise><p class="empty">This album has no songs yet.</p></xsl:otherwise>
  </xsl:choose>
</xsl:template>

<xsl:template match="album" mode="album">
  <xsl:variable name="tint"><xsl:call-template name="tint-class"><xsl:with-param name="id" select="@id"/></xsl:call-template></xsl:variable>
  <div class="hero {$tint}">
    <div class="hero-art">
      <xsl:call-template name="cover">
        <xsl:with-param name="size" select="480"/>
        <xsl:with-param name="alt" select="concat('Cover of ', title)"/>
        <xsl:with-param name="lazy" select="false()"/>
      </xsl:call-template>
    </div>
    <div class="hero-text">
      <p class="kicker">Album</p>
      <h1><xsl:if test="string-length(title) &gt; 40"><xsl:attribute name="class">is-long</xsl:attribute></xsl:if><xsl:value-of select="title"/></h1>
      <p class="hero-by"><a href="/artist/{artist/@id}"><xsl:value-of select="artist"/></a></p>
      <p class="hero-meta">
        <xsl:if test="string(year) != ''"><xsl:value-of select="year"/><xsl:text> · </xsl:text></xsl:if>
        <xsl:if test="string(genre) != ''"><xsl:value-of select="genre"/><xsl:text> · </xsl:text></xsl:if>
        <xsl:call-template name="count">
          <xsl:with-param name="n" select="tracks-count"/>
          <xsl:with-param name="one" select="'song'"/>
          <xsl:with-param name="many" select="'songs'"/>
        </xsl:call-template>
        <xsl:if test="string(total) != ''">
          <xsl:text> · </xsl:text><xsl:apply-templates select="total" mode="time"/>
        </xsl:if>
      </p>
    </div>
  </div>
</xsl:template>

<xsl:template match="track" mode="album">
  <xsl:variable name="album" select="/page/content/album"/>
  <tr class="track-row">
    <xsl:call-template name="track-data">
      <xsl:with-param name="id" select="@id"/>
      <xsl:with-param name="title" select="title"/>
      <xsl:with-param name="artist">
        <xsl:choose>
          <xsl:when test="artists/artist"><xsl:for-each select="artists"><xsl:call-template name="artist-names"/></xsl:for-each></xsl:when>
          <xsl:otherwise><xsl:value-of select="$album/artist"/></xsl:otherwise>
        </xsl:choose>
      </xsl:with-param>
      <xsl:with-param name="album" select="$album/title"/>
      <xsl:with-param name="album-id" select="$album/@id"/>
      <xsl:with-param name="cover" select="$album/cover"/>
      <xsl:with-param name="ms" select="duration/@ms"/>
    </xsl:call-template>
    <td class="col-num">
      <xsl:call-template name="row-play">
        <xsl:with-param name="num" select="@number"/>
        <xsl:with-param name="title" select="title"/>
      </xsl:call-template>
    </td>
    <th scope="row" class="col-title">
      <a class="track-title" href="/track/{@id}"><xsl:value-of select="title"/></a>
      <xsl:if test="artists/artist">
        <span class="track-by"><xsl:for-each select="artists"><xsl:call-template name="artist-links"/></xsl:for-each></span>
      </xsl:if>
    </th>
    <td class="col-time">
      <xsl:call-template name="row-more"><xsl:with-param name="title" select="title"/></xsl:call-template>
      <xsl:apply-templates select="duration" mode="time"/>
    </td>
  </tr>
</xsl:template>

</xsl:stylesheet>
