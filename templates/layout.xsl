<?xml version="1.0" encoding="UTF-8"?>
<!-- layout.xsl: the frame every page shares (head, skip link, header with search,
     main navigation, footer) and the small pieces pages reuse (covers, cards,
     counts, durations, artist links).

     A page stylesheet imports this file and provides
       <xsl:template match="content" mode="content">…</xsl:template>
     Text reaches the output only through xsl:value-of and attribute value
     templates, so the serializer escapes it; output escaping is never disabled.
     lib/view.c prepends "<!DOCTYPE html>\n", hence no doctype here. -->
<xsl:stylesheet version="1.0"
    xmlns:xsl="http://www.w3.org/1999/XSL/Transform">

<xsl:output method="html" encoding="UTF-8" indent="no"/>

<xsl:variable name="meta" select="/page/meta"/>
<xsl:variable name="section" select="string($meta/section)"/>
<xsl:variable name="static">
  <xsl:choose>
    <xsl:when test="string($meta/static) != ''"><xsl:value-of select="$meta/static"/></xsl:when>
    <xsl:otherwise>/static</xsl:otherwise>
  </xsl:choose>
</xsl:variable>
<xsl:variable name="site">
  <xsl:choose>
    <xsl:when test="normalize-space($meta/site) != ''"><xsl:value-of select="normalize-space($meta/site)"/></xsl:when>
    <xsl:otherwise>Lyre</xsl:otherwise>
  </xsl:choose>
</xsl:variable>

<xsl:template match="/">
  <html lang="en">
    <head>
      <!-- libxml2's HTML serializer inserts this exact meta unless it is already
           there; a <meta charset> would end up as a second, conflicting one. -->
      <meta http-equiv="Content-Type" content="text/html; charset=UTF-8"/>
      <meta name="viewport" content="width=device-width, initial-scale=1"/>
      <meta name="color-scheme" content="light dark"/>
      <meta name="theme-color" content="#f7f7fa" media="(prefers-color-scheme: light)"/>
      <meta name="theme-color" content="#101014" media="(prefers-color-scheme: dark)"/>
      <title><xsl:call-template name="document-title"/></title>
      <link rel="stylesheet" href="{$static}/css/lyre.css"/>
      <link rel="icon" href="{$static}/favicon.svg" type="image/svg+xml"/>
      <script src="{$static}/js/lyre.js" defer="defer"></script>
    </head>
    <body class="page-{/page/@template}">
      <a class="skip-link" href="#main">Skip to content</a>
      <header class="topbar">
        <a class="brand" href="/">
          <xsl:call-template name="logo"/>
          <span class="brand-name"><xsl:value-of select="$site"/></span>
        </a>
        <form class="searchbox" action="/search" method="get" role="search">
          <label class="visually-hidden" for="q">Search artists, albums and songs</label>
          <svg xmlns="http://www.w3.org/2000/svg" class="searchbox-icon" viewBox="0 0 24 24" aria-hidden="true">
            <circle cx="11" cy="11" r="7"/><path d="m20 20-3.5-3.5"/>
          </svg>
          <input type="search" id="q" name="q" placeholder="Artists, albums, songs"
                 autocomplete="off" enterkeyhint="search">
            <xsl:if test="string($meta/query) != ''">
              <xsl:attribute name="value"><xsl:value-of select="$meta/query"/></xsl:attribute>
            </xsl:if>
          </input>
          <kbd class="searchbox-key" aria-hidden="true">/</kbd>
          <button type="submit" class="searchbox-go">Search</button>
        </form>
      </header>
      <nav class="mainnav" aria-label="Main">
        <ul>
          <xsl:call-template name="nav-item">
            <xsl:with-param name="href" select="'/'"/>
            <xsl:with-param name="label" select="'Home'"/>
            <xsl:with-param name="here" select="$section = 'home'"/>
            <xsl:with-param name="icon" select="'M4 10.5 12 4l8 6.5V20h-5v-5.5H9V20H4z'"/>
          </xsl:call-template>
          <xsl:call-template name="nav-item">
            <xsl:with-param name="href" select="'/browse'"/>
            <xsl:with-param name="label" select="'Browse'"/>
            <xsl:with-param name="here" select="$section = 'browse'"/>
            <xsl:with-param name="within" select="$section = 'artist' or $section = 'album' or $section = 'track'"/>
            <xsl:with-param name="icon" select="'M4 4h6v6H4zM14 4h6v6h-6zM4 14h6v6H4zM14 14h6v6h-6z'"/>
          </xsl:call-template>
          <xsl:call-template name="nav-item">
            <xsl:with-param name="href" select="'/search'"/>
            <xsl:with-param name="label" select="'Search'"/>
            <xsl:with-param name="here" select="$section = 'search'"/>
            <xsl:with-param name="icon" select="'M11 4a7 7 0 1 0 0 14 7 7 0 0 0 0-14zM20 20l-3.5-3.5'"/>
          </xsl:call-template>
        </ul>
      </nav>
      <main id="main" tabindex="-1">
        <xsl:apply-templates select="page/content" mode="content"/>
      </main>
      <footer class="footer">
        <p>
          <xsl:value-of select="$site"/>
          <xsl:text> · self-hosted music streaming</xsl:text>
          <xsl:if test="string($meta/year) != ''">
            <xsl:text> · © </xsl:text><xsl:value-of select="$meta/year"/>
          </xsl:if>
        </p>
      </footer>
    </body>
  </html>
</xsl:template>

<!-- A page that forgot its content template shows an empty main, not raw text. -->
<xsl:template match="content" mode="content"/>

<!-- "Title · Site", cut so the whole stays under the 70 characters tabs and
     search engines show (with room for escaped characters). -->
<xsl:template name="document-title">
  <xsl:variable name="title" select="normalize-space($meta/title)"/>
  <xsl:variable name="room" select="56 - string-length($site)"/>
  <xsl:choose>
    <xsl:when test="$title = ''"><xsl:value-of select="$site"/></xsl:when>
    <xsl:when test="string-length($title) &gt; $room">
      <xsl:value-of select="concat(substring($title, 1, $room - 1), '… · ', $site)"/>
    </xsl:when>
    <xsl:otherwise><xsl:value-of select="concat($title, ' · ', $site)"/></xsl:otherwise>
  </xsl:choose>
</xsl:template>

<xsl:template name="nav-item">
  <xsl:param name="href"/>
  <xsl:param name="label"/>
  <xsl:param name="here" select="false()"/>
  <xsl:param name="within" select="false()"/>
  <xsl:param name="icon"/>
  <li>
    <a href="{$href}">
      <xsl:choose>
        <xsl:when test="$here"><xsl:attribute name="aria-current">page</xsl:attribute></xsl:when>
        <xsl:when test="$within"><xsl:attribute name="aria-current">true</xsl:attribute></xsl:when>
      </xsl:choose>
      <svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 24 24" aria-hidden="true"><path d="{$icon}"/></svg>
      <span><xsl:value-of select="$label"/></span>
    </a>
  </li>
</xsl:template>

<xsl:template name="logo">
  <svg xmlns="http://www.w3.org/2000/svg" class="logo" viewBox="0 0 64 64" aria-hidden="true">
    <defs>
      <linearGradient id="logo-gradient" x1="0" y1="0" x2="1" y2="1">
        <stop offset="0" stop-color="#8b6cff"/><stop offset="1" stop-color="#e8457c"/>
      </linearGradient>
    </defs>
    <rect width="64" height="64" rx="16" fill="url(#logo-gradient)"/>
    <g fill="none" stroke="#fff" stroke-linecap="round">
      <path d="M24 47C12 41 11 25 19 12M40 47C52 41 53 25 45 12M16 18h32" stroke-width="4.5"/>
      <path d="M27 18v26M32 18v26M37 18v26" stroke-width="2.4"/>
    </g>
    <rect x="20" y="43" width="24" height="9" rx="4.5" fill="#fff"/>
  </svg>
</xsl:template>

<!-- ===== pieces shared by pages ===== -->

<!-- "1,234 songs" / "1 song". -->
<xsl:template name="count">
  <xsl:param name="n"/>
  <xsl:param name="one"/>
  <xsl:param name="many"/>
  <xsl:variable name="num" select="number($n)"/>
  <xsl:choose>
    <xsl:when test="$num = $num"><xsl:value-of select="format-number($num, '#,##0')"/></xsl:when>
    <xsl:otherwise>0</xsl:otherwise>
  </xsl:choose>
  <xsl:text> </xsl:text>
  <xsl:choose>
    <xsl:when test="$num = 1"><xsl:value-of select="$one"/></xsl:when>
    <xsl:otherwise><xsl:value-of select="$many"/></xsl:otherwise>
  </xsl:choose>
</xsl:template>

<!-- <duration ms="225000">3:45</duration> or <total ms=…> → <time>. -->
<xsl:template match="duration | total" mode="time">
  <xsl:variable name="ms" select="number(@ms)"/>
  <xsl:choose>
    <xsl:when test="$ms = $ms and $ms &gt;= 0">
      <time datetime="PT{floor($ms div 1000)}S"><xsl:value-of select="."/></time>
    </xsl:when>
    <xsl:otherwise><xsl:value-of select="."/></xsl:otherwise>
  </xsl:choose>
</xsl:template>

<!-- Hue 0..359 spread by the golden angle so neighbouring ids differ. -->
<xsl:template name="hue">
  <xsl:param name="id"/>
  <xsl:variable name="n" select="number($id)"/>
  <xsl:choose>
    <xsl:when test="$n = $n"><xsl:value-of select="(($n * 137) mod 360 + 360) mod 360"/></xsl:when>
    <xsl:otherwise>250</xsl:otherwise>
  </xsl:choose>
</xsl:template>

<!-- tint-0 … tint-11: a CSS class carrying the hue, so pages need no inline style. -->
<xsl:template name="tint-class">
  <xsl:param name="id"/>
  <xsl:variable name="hue"><xsl:call-template name="hue"><xsl:with-param name="id" select="$id"/></xsl:call-template></xsl:variable>
  <xsl:value-of select="concat('tint-', floor($hue div 30))"/>
</xsl:template>

<!-- Up to two initials from the first two words, punctuation dropped. -->
<xsl:template name="initials">
  <xsl:param name="text"/>
  <xsl:variable name="punct">&lt;&gt;&amp;"'()[]{}.,;:!?¿¡/\|*#@+=_~`^$%“”‘’«»…–—-</xsl:variable>
  <xsl:variable name="clean" select="normalize-space(translate($text, $punct, ''))"/>
  <xsl:variable name="second" select="substring-after($clean, ' ')"/>
  <xsl:value-of select="translate(concat(substring($clean, 1, 1), substring($second, 1, 1)),
      'abcdefghijklmnopqrstuvwxyzàáâãäåæçèéêëìíîïñòóôõöøùúûüýœ',
      'ABCDEFGHIJKLMNOPQRSTUVWXYZÀÁÂÃÄÅÆÇÈÉÊËÌÍÎÏÑÒÓÔÕÖØÙÚÛÜÝŒ')"/>
</xsl:template>

<!-- Generated artwork: a gradient from the id's hue with the name's initials.
     Decorative (aria-hidden): the name is always written next to it. -->
<xsl:template name="placeholder">
  <xsl:param name="id"/>
  <xsl:param name="name"/>
  <xsl:param name="class" select="'art'"/>
  <xsl:variable name="hue"><xsl:call-template name="hue"><xsl:with-param name="id" select="$id"/></xsl:call-template></xsl:variable>
  <xsl:variable name="gid" select="concat('art-', generate-id())"/>
  <svg xmlns="http://www.w3.org/2000/svg" class="{$class} art-ph" viewBox="0 0 100 100" aria-hidden="true">
    <defs>
      <linearGradient id="{$gid}" x1="0" y1="0" x2="1" y2="1">
        <stop offset="0" stop-color="hsl({$hue},72%,62%)"/>
        <stop offset="1" stop-color="hsl({($hue + 50) mod 360},64%,28%)"/>
      </linearGradient>
    </defs>
    <rect width="100" height="100" fill="url(#{$gid})"/>
    <circle cx="84" cy="16" r="34" fill="#fff" opacity=".10"/>
    <circle cx="84" cy="16" r="18" fill="#fff" opacity=".08"/>
    <text x="50" y="53" text-anchor="middle" dominant-baseline="middle">
      <xsl:call-template name="initials"><xsl:with-param name="text" select="$name"/></xsl:call-template>
    </text>
  </svg>
</xsl:template>

<!-- An album's artwork; context is an element with @id, title and optional cover.
     alt is empty where the title is written beside the image (cards). -->
<xsl:template name="cover">
  <xsl:param name="size" select="300"/>
  <xsl:param name="alt" select="''"/>
  <xsl:param name="lazy" select="true()"/>
  <xsl:choose>
    <xsl:when test="normalize-space(cover) != ''">
      <img class="art" src="{normalize-space(cover)}" alt="{$alt}" width="{$size}" height="{$size}" decoding="async">
        <xsl:if test="$lazy"><xsl:attribute name="loading">lazy</xsl:attribute></xsl:if>
      </img>
    </xsl:when>
    <xsl:otherwise>
      <xsl:call-template name="placeholder">
        <xsl:with-param name="id" select="@id"/>
        <xsl:with-param name="name" select="title"/>
      </xsl:call-template>
    </xsl:otherwise>
  </xsl:choose>
</xsl:template>

<!-- Album card for grids; context is <album>. show: 'artist', 'year' or 'both'. -->
<xsl:template name="album-card">
  <xsl:param name="show" select="'both'"/>
  <li class="card">
    <a class="card-link" href="/album/{@id}">
      <xsl:call-template name="cover"/>
      <span class="card-title"><xsl:value-of select="title"/></span>
    </a>
    <span class="card-sub">
      <xsl:if test="$show != 'year' and artist">
        <a href="/artist/{artist/@id}"><xsl:value-of select="artist"/></a>
      </xsl:if>
      <xsl:if test="$show = 'both' and artist and string(year) != ''"><xsl:text> · </xsl:text></xsl:if>
      <xsl:if test="$show != 'artist' and string(year) != ''"><xsl:value-of select="year"/></xsl:if>
    </span>
  </li>
</xsl:template>

<!-- Artist row for lists; context is <artist> with <name>. -->
<xsl:template name="artist-row">
  <li class="artist-row">
    <a href="/artist/{@id}">
      <xsl:call-template name="placeholder">
        <xsl:with-param name="id" select="@id"/>
        <xsl:with-param name="name" select="name"/>
        <xsl:with-param name="class" select="'avatar'"/>
      </xsl:call-template>
      <span class="artist-row-text">
        <span class="artist-row-name"><xsl:value-of select="name"/></span>
        <span class="artist-row-sub">
          <xsl:choose>
            <xsl:when test="albums">
              <xsl:call-template name="count">
                <xsl:with-param name="n" select="albums"/>
                <xsl:with-param name="one" select="'album'"/>
                <xsl:with-param name="many" select="'albums'"/>
              </xsl:call-template>
            </xsl:when>
            <xsl:otherwise>Artist</xsl:otherwise>
          </xsl:choose>
        </span>
      </span>
    </a>
  </li>
</xsl:template>

<xsl:template name="clock">
  <svg xmlns="http://www.w3.org/2000/svg" class="icon" viewBox="0 0 24 24" aria-hidden="true"><circle cx="12" cy="12" r="8.5"/><path d="M12 7.5V12l3 2"/></svg>
</xsl:template>

<!-- Credited artists as links separated by commas; context is their parent. -->
<xsl:template name="artist-links">
  <xsl:for-each select="artist">
    <xsl:if test="position() &gt; 1"><xsl:text>, </xsl:text></xsl:if>
    <a href="/artist/{@id}"><xsl:value-of select="."/></a>
  </xsl:for-each>
</xsl:template>

</xsl:stylesheet>
