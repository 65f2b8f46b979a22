<?xml version="1.0" encoding="UTF-8"?>
<!-- stats.xsl: GET /stats?range= and GET /stats/YYYY — the listener's top tracks,
     artists and genres and bar charts.  cgi/catalog/stats.c computes every
     coordinate; this sheet only draws <rect>/<text>/<line> in an SVG sized by
     viewBox, coloured through CSS variables (light and dark), with a hidden table
     of the same numbers.  No script. -->
<xsl:stylesheet version="1.0" xmlns:xsl="http://www.w3.org/1999/XSL/Transform">

<xsl:template match="page[@template='stats']/content" mode="content">
  <xsl:apply-templates select="stats" mode="stats"/>
</xsl:template>

<xsl:template match="stats" mode="stats">
  <xsl:variable name="is-year" select="string(@year) != ''"/>
  <div class="page-head stat-head">
    <p class="kicker">Your listening</p>
    <h1>
      <xsl:choose>
        <xsl:when test="$is-year"><xsl:value-of select="@year"/> in review</xsl:when>
        <xsl:otherwise>Your stats</xsl:otherwise>
      </xsl:choose>
    </h1>
  </div>
  <xsl:choose>
    <xsl:when test="never">
      <div class="stat-welcome">
        <svg xmlns="http://www.w3.org/2000/svg" class="stat-welcome-art" viewBox="0 0 120 64" aria-hidden="true">
          <rect x="8" y="40" width="16" height="16" rx="3"/>
          <rect x="32" y="28" width="16" height="28" rx="3"/>
          <rect x="56" y="14" width="16" height="42" rx="3"/>
          <rect x="80" y="32" width="16" height="24" rx="3"/>
          <rect x="104" y="22" width="8" height="34" rx="3"/>
        </svg>
        <h2>Your stats start with your first song</h2>
        <p>Listen to anything for 30 seconds and it counts: your top songs, artists and
          genres, and the minutes you spent listening, will show up here.</p>
        <p><a class="button" href="/browse">Find something to play</a></p>
      </div>
    </xsl:when>
    <xsl:otherwise>
      <xsl:call-template name="stat-nav"/>
      <xsl:choose>
        <xsl:when test="number(totals/@plays) = 0">
          <p class="empty stat-none">
            <xsl:choose>
              <xsl:when test="$is-year">No plays in <xsl:value-of select="@year"/>.</xsl:when>
              <xsl:otherwise>No plays in <xsl:value-of select="span"/>.</xsl:otherwise>
            </xsl:choose>
            <xsl:text> Songs you listen to for at least 30 seconds show up here.</xsl:text>
          </p>
        </xsl:when>
        <xsl:otherwise>
          <xsl:call-template name="stat-figures"/>
          <xsl:apply-templates select="chart" mode="stats"/>
          <div class="stat-tops">
            <xsl:apply-templates select="top-tracks" mode="stats"/>
            <xsl:apply-templates select="top-artists" mode="stats"/>
            <xsl:apply-templates select="top-genres" mode="stats"/>
          </div>
        </xsl:otherwise>
      </xsl:choose>
      <xsl:apply-templates select="years" mode="stats"/>
      <p class="stat-note">A play counts once a song has played for 30 seconds (or to its
        end); its minutes are as far as you listened into it. Ranked by minutes, a long
        song you finish weighs more than a short one. Days follow UTC.</p>
    </xsl:otherwise>
  </xsl:choose>
</xsl:template>

<!-- Range tabs and the plays/minutes switch. -->
<xsl:template name="stat-nav">
  <xsl:variable name="range" select="string(@range)"/>
  <xsl:variable name="by" select="string(@by)"/>
  <div class="stat-bar">
    <nav class="stat-tabs" aria-label="Period">
      <ul>
        <xsl:call-template name="stat-tab"><xsl:with-param name="key" select="'4w'"/><xsl:with-param name="text" select="'4 weeks'"/></xsl:call-template>
        <xsl:call-template name="stat-tab"><xsl:with-param name="key" select="'6m'"/><xsl:with-param name="text" select="'6 months'"/></xsl:call-template>
        <xsl:call-template name="stat-tab"><xsl:with-param name="key" select="'all'"/><xsl:with-param name="text" select="'All time'"/></xsl:call-template>
        <xsl:if test="string(@year) != ''">
          <li><a href="/stats/{@year}" aria-current="page"><xsl:value-of select="@year"/></a></li>
        </xsl:if>
      </ul>
    </nav>
    <nav class="stat-tabs stat-sort" aria-label="Rank by">
      <xsl:variable name="base">
        <xsl:choose>
          <xsl:when test="string(@year) != ''">/stats/<xsl:value-of select="@year"/>?</xsl:when>
          <xsl:otherwise>/stats?range=<xsl:value-of select="$range"/>&amp;</xsl:otherwise>
        </xsl:choose>
      </xsl:variable>
      <ul>
        <li><a href="{$base}by=plays"><xsl:if test="$by = 'plays'"><xsl:attribute name="aria-current">page</xsl:attribute></xsl:if>By plays</a></li>
        <li><a href="{$base}by=time"><xsl:if test="$by = 'time'"><xsl:attribute name="aria-current">page</xsl:attribute></xsl:if>By minutes</a></li>
      </ul>
    </nav>
  </div>
</xsl:template>

<xsl:template name="stat-tab">
  <xsl:param name="key"/>
  <xsl:param name="text"/>
  <li>
    <a href="/stats?range={$key}">
      <xsl:if test="string(@by) = 'time'"><xsl:attribute name="href">/stats?range=<xsl:value-of select="$key"/>&amp;by=time</xsl:attribute></xsl:if>
      <xsl:if test="string(@range) = $key"><xsl:attribute name="aria-current">page</xsl:attribute></xsl:if>
      <xsl:value-of select="$text"/>
    </a>
  </li>
</xsl:template>

<!-- The big numbers. -->
<xsl:template name="stat-figures">
  <dl class="stat-figures">
    <div class="stat-figure">
      <dt>Minutes listened</dt>
      <dd><span class="stat-big" id="stat-minutes"><xsl:value-of select="format-number(totals/@minutes, '#,##0')"/></span>
        <span class="stat-small"><xsl:value-of select="totals/listened"/></span></dd>
    </div>
    <div class="stat-figure">
      <dt>Plays</dt>
      <dd><span class="stat-big" id="stat-plays"><xsl:value-of select="format-number(totals/@plays, '#,##0')"/></span>
        <span class="stat-small">
          <xsl:call-template name="count">
            <xsl:with-param name="n" select="totals/@tracks"/>
            <xsl:with-param name="one" select="'different song'"/>
            <xsl:with-param name="many" select="'different songs'"/>
          </xsl:call-template>
        </span></dd>
    </div>
    <xsl:if test="review/artists-count">
      <div class="stat-figure">
        <dt>Artists</dt>
        <dd><span class="stat-big" id="stat-artists"><xsl:value-of select="format-number(review/artists-count, '#,##0')"/></span>
          <span class="stat-small">different artists</span></dd>
      </div>
    </xsl:if>
    <xsl:if test="review/busiest">
      <div class="stat-figure">
        <dt>Biggest day</dt>
        <dd><span class="stat-mid"><time datetime="{review/busiest/@date}"><xsl:value-of select="normalize-space(review/busiest/text())"/></time></span>
          <span class="stat-small"><xsl:value-of select="review/busiest/listened"/></span></dd>
      </div>
    </xsl:if>
    <xsl:if test="review/first">
      <div class="stat-figure">
        <dt>First play of the year</dt>
        <dd><span class="stat-mid"><a href="/track/{review/first/track/@id}"><xsl:value-of select="review/first/track/title"/></a></span>
          <span class="stat-small"><a href="/artist/{review/first/track/artist/@id}"><xsl:value-of select="review/first/track/artist"/></a>
            <xsl:text> · </xsl:text><time datetime="{review/first/@date}"><xsl:value-of select="review/first/when"/></time></span></dd>
      </div>
    </xsl:if>
  </dl>
</xsl:template>

<!-- A bar chart: one SVG per layout (CSS shows the one fitting the screen) and the
     numbers as a table for screen readers and for browsers without SVG. -->
<xsl:template match="chart" mode="stats">
  <section class="stat-chart" aria-labelledby="{@id}-h">
    <h2 id="{@id}-h"><xsl:value-of select="heading"/></h2>
    <xsl:for-each select="layout">
      <svg xmlns="http://www.w3.org/2000/svg" class="chart chart-{@name}" viewBox="0 0 {@w} {@h}"
           role="img" aria-label="{../summary}">
        <g class="chart-grid">
          <xsl:for-each select="tick">
            <line x1="{@x1}" x2="{@x2}" y1="{@y}" y2="{@y}"/>
          </xsl:for-each>
        </g>
        <g class="chart-axis">
          <xsl:for-each select="tick">
            <text x="{@tx}" y="{@ty}" text-anchor="end"><xsl:value-of select="@label"/></text>
          </xsl:for-each>
          <xsl:for-each select="xlabel">
            <text x="{@x}" y="{@y}" text-anchor="middle"><xsl:value-of select="."/></text>
          </xsl:for-each>
        </g>
        <g class="chart-bars">
          <xsl:for-each select="rect">
            <rect x="{@x}" y="{@y}" width="{@w}" height="{@h}" rx="2"><title><xsl:value-of select="@title"/></title></rect>
          </xsl:for-each>
        </g>
      </svg>
    </xsl:for-each>
    <table class="visually-hidden">
      <caption><xsl:value-of select="heading"/></caption>
      <thead><tr><th scope="col">Period</th><th scope="col"><xsl:value-of select="unit"/></th></tr></thead>
      <tbody>
        <xsl:for-each select="bar">
          <tr><th scope="row"><xsl:value-of select="@title"/></th><td><xsl:value-of select="@value"/></td></tr>
        </xsl:for-each>
      </tbody>
    </table>
  </section>
</xsl:template>

<xsl:template name="stat-count">
  <span class="stat-num">
    <xsl:call-template name="count">
      <xsl:with-param name="n" select="@plays"/>
      <xsl:with-param name="one" select="'play'"/>
      <xsl:with-param name="many" select="'plays'"/>
    </xsl:call-template>
    <xsl:text> · </xsl:text>
    <xsl:value-of select="format-number(@minutes, '#,##0')"/>
    <xsl:text> min</xsl:text>
  </span>
  <svg xmlns="http://www.w3.org/2000/svg" class="stat-meter" viewBox="0 0 100 4" preserveAspectRatio="none" aria-hidden="true">
    <rect class="stat-meter-track" width="100" height="4"/><rect width="{@share}" height="4"/>
  </svg>
</xsl:template>

<xsl:template match="top-tracks" mode="stats">
  <section class="stat-list stat-list-tracks" aria-labelledby="top-tracks-h">
    <h2 id="top-tracks-h">Top songs</h2>
    <ol id="top-tracks">
      <xsl:for-each select="track">
        <li class="stat-row" data-id="{@id}">
          <span class="stat-rank" aria-hidden="true"><xsl:value-of select="@rank"/></span>
          <span class="stat-art"><xsl:for-each select="album"><xsl:call-template name="cover"><xsl:with-param name="size" select="48"/></xsl:call-template></xsl:for-each></span>
          <span class="stat-main">
            <a class="stat-name" href="/track/{@id}"><xsl:value-of select="title"/></a>
            <span class="stat-by">
              <xsl:choose>
                <xsl:when test="artists/artist"><xsl:for-each select="artists"><xsl:call-template name="artist-links"/></xsl:for-each></xsl:when>
                <xsl:otherwise><a href="/album/{album/@id}"><xsl:value-of select="album/title"/></a></xsl:otherwise>
              </xsl:choose>
            </span>
          </span>
          <xsl:call-template name="stat-count"/>
        </li>
      </xsl:for-each>
    </ol>
  </section>
</xsl:template>

<xsl:template match="top-artists" mode="stats">
  <section class="stat-list" aria-labelledby="top-artists-h">
    <h2 id="top-artists-h">Top artists</h2>
    <ol id="top-artists">
      <xsl:for-each select="artist">
        <li class="stat-row" data-id="{@id}">
          <span class="stat-rank" aria-hidden="true"><xsl:value-of select="@rank"/></span>
          <span class="stat-art">
            <xsl:call-template name="placeholder">
              <xsl:with-param name="id" select="@id"/>
              <xsl:with-param name="name" select="name"/>
              <xsl:with-param name="class" select="'avatar'"/>
            </xsl:call-template>
          </span>
          <span class="stat-main"><a class="stat-name" href="/artist/{@id}"><xsl:value-of select="name"/></a></span>
          <xsl:call-template name="stat-count"/>
        </li>
      </xsl:for-each>
    </ol>
  </section>
</xsl:template>

<xsl:template match="top-genres" mode="stats">
  <section class="stat-list" aria-labelledby="top-genres-h">
    <h2 id="top-genres-h">Top genres</h2>
    <xsl:choose>
      <xsl:when test="genre">
        <ol id="top-genres">
          <xsl:for-each select="genre">
            <li class="stat-row" data-id="{@id}">
              <span class="stat-rank" aria-hidden="true"><xsl:value-of select="@rank"/></span>
              <span class="stat-main"><span class="stat-name"><xsl:value-of select="name"/></span></span>
              <xsl:call-template name="stat-count"/>
            </li>
          </xsl:for-each>
        </ol>
      </xsl:when>
      <xsl:otherwise><p class="muted">The songs you played have no genre yet.</p></xsl:otherwise>
    </xsl:choose>
  </section>
</xsl:template>

<xsl:template match="years" mode="stats">
  <xsl:if test="year">
    <nav class="stat-years" aria-labelledby="stat-years-h">
      <h2 id="stat-years-h">Year in review</h2>
      <ul>
        <xsl:for-each select="year">
          <li>
            <a href="/stats/{@value}">
              <xsl:if test="string(../../@by) = 'time'"><xsl:attribute name="href">/stats/<xsl:value-of select="@value"/>?by=time</xsl:attribute></xsl:if>
              <xsl:if test="string(@value) = string(../../@year)"><xsl:attribute name="aria-current">page</xsl:attribute></xsl:if>
              <xsl:value-of select="@value"/>
            </a>
          </li>
        </xsl:for-each>
      </ul>
    </nav>
  </xsl:if>
</xsl:template>

</xsl:stylesheet>
