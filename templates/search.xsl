<?xml version="1.0" encoding="UTF-8"?>
<!-- search.xsl: GET /search?q= — results grouped by kind (artists, albums,
     songs, public playlists), "Showing results for …" when words of the query
     were corrected (@corrected), a hint when nothing was asked, or "No
     results" when nothing matched. -->
<xsl:stylesheet version="1.0" xmlns:xsl="http://www.w3.org/1999/XSL/Transform">

<xsl:template match="page[@template='search']/content" mode="content">
  <xsl:apply-templates select="search" mode="search"/>
</xsl:template>

<xsl:template match="search" mode="search">
  <xsl:variable name="q" select="normalize-space(@q)"/>
  <xsl:choose>
    <xsl:when test="$q = ''">
      <div class="page-head">
        <h1>Search</h1>
        <p class="stats">Find artists, albums and songs: type in the search box above and press Enter.</p>
      </div>
      <p class="empty">Tip: press <kbd>/</kbd> on any page to jump to the search box.</p>
    </xsl:when>
    <xsl:when test="not(artists/artist or albums/album or tracks/track or playlists/playlist)">
      <div class="page-head">
        <h1>Search</h1>
        <p class="stats">No results for “<xsl:value-of select="@q"/>”</p>
      </div>
      <p class="empty">Check the spelling, or try fewer or different words.</p>
    </xsl:when>
    <xsl:otherwise>
      <div class="page-head">
        <h1>
          <xsl:if test="string-length($q) &gt; 24"><xsl:attribute name="class">is-long</xsl:attribute></xsl:if>
          <xsl:text>Results for “</xsl:text><xsl:value-of select="@q"/><xsl:text>”</xsl:text>
        </h1>
        <xsl:if test="@corrected">
          <p class="stats search-corrected">Showing results for
            <a href="/search?q={translate(@corrected, ' ', '+')}"><strong><xsl:value-of select="@corrected"/></strong></a></p>
        </xsl:if>
      </div>
      <xsl:if test="artists/artist">
        <section class="shelf">
          <h2>Artists</h2>
          <ul class="artist-list">
            <xsl:for-each select="artists/artist"><xsl:call-template name="artist-row"/></xsl:for-each>
          </ul>
        </section>
      </xsl:if>
      <xsl:if test="albums/album">
        <section class="shelf">
          <h2>Albums</h2>
          <ul class="grid">
            <xsl:for-each select="albums/album"><xsl:call-template name="album-card"/></xsl:for-each>
          </ul>
        </section>
      </xsl:if>
      <xsl:if test="tracks/track">
        <section class="shelf">
          <h2>Songs</h2>
          <table class="tracklist" data-tracklist="search">
            <caption class="visually-hidden">Songs matching “<xsl:value-of select="@q"/>”</caption>
            <thead>
              <tr>
                <th scope="col" class="col-num"><span aria-hidden="true">#</span><span class="visually-hidden">Number</span></th>
                <th scope="col" class="col-title">Title</th>
                <th scope="col" class="col-album">Album</th>
                <th scope="col" class="col-time"><span class="visually-hidden">Duration</span><xsl:call-template name="clock"/></th>
              </tr>
            </thead>
            <tbody>
              <xsl:apply-templates select="tracks/track" mode="search"/>
            </tbody>
          </table>
        </section>
      </xsl:if>
      <xsl:if test="playlists/playlist">
        <section class="shelf">
          <h2>Playlists</h2>
          <ul class="search-playlists">
            <xsl:for-each select="playlists/playlist">
              <li>
                <a href="/playlist/{@id}">
                  <span class="search-playlist-name"><xsl:value-of select="name"/></span>
                  <span class="search-playlist-sub">
                    <xsl:text>by </xsl:text><xsl:value-of select="owner"/>
                    <xsl:text> · </xsl:text><xsl:value-of select="@tracks"/>
                    <xsl:choose>
                      <xsl:when test="@tracks = 1"> song</xsl:when>
                      <xsl:otherwise> songs</xsl:otherwise>
                    </xsl:choose>
                  </span>
                </a>
              </li>
            </xsl:for-each>
          </ul>
        </section>
      </xsl:if>
    </xsl:otherwise>
  </xsl:choose>
</xsl:template>

<xsl:template match="track" mode="search">
  <tr class="track-row">
    <xsl:call-template name="track-data">
      <xsl:with-param name="id" select="@id"/>
      <xsl:with-param name="title" select="title"/>
      <xsl:with-param name="artist"><xsl:call-template name="artist-names"/></xsl:with-param>
      <xsl:with-param name="album" select="album"/>
      <xsl:with-param name="album-id" select="album/@id"/>
      <xsl:with-param name="cover" select="cover"/>
      <xsl:with-param name="ms" select="duration/@ms"/>
    </xsl:call-template>
    <td class="col-num">
      <xsl:call-template name="row-play">
        <xsl:with-param name="num" select="position()"/>
        <xsl:with-param name="title" select="title"/>
      </xsl:call-template>
    </td>
    <th scope="row" class="col-title">
      <a class="track-title" href="/track/{@id}"><xsl:value-of select="title"/></a>
      <xsl:if test="artist">
        <span class="track-by"><xsl:call-template name="artist-links"/></span>
      </xsl:if>
    </th>
    <td class="col-album">
      <xsl:if test="album"><a href="/album/{album/@id}"><xsl:value-of select="album"/></a></xsl:if>
    </td>
    <td class="col-time">
      <xsl:call-template name="row-more"><xsl:with-param name="title" select="title"/></xsl:call-template>
      <xsl:apply-templates select="duration" mode="time"/>
    </td>
  </tr>
</xsl:template>

</xsl:stylesheet>
