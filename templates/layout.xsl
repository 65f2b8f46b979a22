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
  <xsl:choose>
    <!-- lib/app renders the account area alone and puts it into cached pages. -->
    <xsl:when test="page/@template = 'account-fragment'"><xsl:call-template name="account-area"/></xsl:when>
    <xsl:otherwise><xsl:call-template name="document"/></xsl:otherwise>
  </xsl:choose>
</xsl:template>

<!-- The URL of the htdocs file NAME ("css/lyre.css") for this page. -->
<xsl:template name="asset">
  <xsl:param name="name"/>
  <xsl:variable name="url" select="string($meta/assets/asset[@name = $name]/@url)"/>
  <xsl:choose>
    <xsl:when test="$url != ''"><xsl:value-of select="$url"/></xsl:when>
    <xsl:otherwise><xsl:value-of select="concat($static, '/', $name)"/></xsl:otherwise>
  </xsl:choose>
</xsl:template>

<xsl:template name="document">
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
      <!-- Asset URLs come from /page/meta/assets (lib/assets.c: content-hashed names,
           site.cdn_base_url in front), or are the plain {$static}/ names without it. -->
      <link rel="stylesheet"><xsl:attribute name="href"><xsl:call-template name="asset"><xsl:with-param name="name" select="'css/lyre.css'"/></xsl:call-template></xsl:attribute></link>
      <link rel="icon" type="image/svg+xml"><xsl:attribute name="href"><xsl:call-template name="asset"><xsl:with-param name="name" select="'favicon.svg'"/></xsl:call-template></xsl:attribute></link>
      <!-- Deferred scripts run in this order: htmx (vendored from npm at build time),
           the site's sugar, the player.  Pages work without any of them. -->
      <script defer="defer"><xsl:attribute name="src"><xsl:call-template name="asset"><xsl:with-param name="name" select="'vendor/htmx.min.js'"/></xsl:call-template></xsl:attribute></script>
      <script defer="defer"><xsl:attribute name="src"><xsl:call-template name="asset"><xsl:with-param name="name" select="'js/lyre.js'"/></xsl:call-template></xsl:attribute></script>
      <script defer="defer"><xsl:attribute name="src"><xsl:call-template name="asset"><xsl:with-param name="name" select="'js/player.js'"/></xsl:call-template></xsl:attribute></script>
      <script defer="defer"><xsl:attribute name="src"><xsl:call-template name="asset"><xsl:with-param name="name" select="'js/library.js'"/></xsl:call-template></xsl:attribute></script>
      <script defer="defer"><xsl:attribute name="src"><xsl:call-template name="asset"><xsl:with-param name="name" select="'js/playlists.js'"/></xsl:call-template></xsl:attribute></script>
      <script defer="defer"><xsl:attribute name="src"><xsl:call-template name="asset"><xsl:with-param name="name" select="'js/search.js'"/></xsl:call-template></xsl:attribute></script>
      <script defer="defer"><xsl:attribute name="src"><xsl:call-template name="asset"><xsl:with-param name="name" select="'js/radio.js'"/></xsl:call-template></xsl:attribute></script>
      <script defer="defer"><xsl:attribute name="src"><xsl:call-template name="asset"><xsl:with-param name="name" select="'js/spots.js'"/></xsl:call-template></xsl:attribute></script>
    </head>
    <!-- htmx boosts links and forms: only #page is fetched and swapped, so the player
         outside it keeps playing; #page is also what the history snapshots hold. -->
    <body data-hx-boost="true" data-hx-target="#page" data-hx-select="#page"
          data-hx-swap="outerHTML show:window:top">
      <div id="page" class="page page-{/page/@template}" data-hx-history-elt="">
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
        <xsl:call-template name="account-area"/>
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
            <xsl:with-param name="href" select="'/home'"/>
            <xsl:with-param name="label" select="'For You'"/>
            <xsl:with-param name="here" select="$section = 'foryou'"/>
            <xsl:with-param name="within" select="$section = 'mix' or $section = 'radio'"/>
            <xsl:with-param name="icon" select="'M12 20s-7-4.4-7-10a4 4 0 0 1 7-2.6A4 4 0 0 1 19 10c0 5.6-7 10-7 10z'"/>
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
          <xsl:call-template name="nav-item">
            <xsl:with-param name="href" select="'/library'"/>
            <xsl:with-param name="label" select="'Your Library'"/>
            <xsl:with-param name="here" select="$section = 'library'"/>
            <xsl:with-param name="within" select="$section = 'playlist' or $section = 'stats'"/>
            <xsl:with-param name="icon" select="'M5 4v16M10 4v16M15 5l4 15'"/>
          </xsl:call-template>
          <xsl:call-template name="nav-item">
            <xsl:with-param name="href" select="'/plans'"/>
            <xsl:with-param name="label" select="'Premium'"/>
            <xsl:with-param name="here" select="$section = 'plans'"/>
            <xsl:with-param name="within" select="$section = 'billing'"/>
            <xsl:with-param name="icon" select="'M12 3l2.7 5.6 6.1.9-4.4 4.3 1 6.1L12 17l-5.4 2.9 1-6.1-4.4-4.3 6.1-.9z'"/>
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
      </div>
      <xsl:call-template name="player"/>
    </body>
  </html>
</xsl:template>

<!-- The visitor's corner of the header.  The comments around it mark where
     lib/app puts a signed-in visitor's own version into a page rendered once
     for everybody (the page cache); keep them exactly as they are. -->
<xsl:template name="account-area">
  <xsl:variable name="account" select="/page/meta/account"/>
  <xsl:comment>account</xsl:comment>
  <xsl:choose>
    <xsl:when test="$account">
      <xsl:variable name="name">
        <xsl:choose>
          <xsl:when test="normalize-space($account/display_name) != ''"><xsl:value-of select="normalize-space($account/display_name)"/></xsl:when>
          <xsl:otherwise><xsl:value-of select="$account/username"/></xsl:otherwise>
        </xsl:choose>
      </xsl:variable>
      <div class="account" id="account" data-csrf="{$account/csrf}" data-user="{$account/username}">
        <details class="account-menu">
          <summary>
            <span class="account-avatar" aria-hidden="true"><xsl:value-of select="substring($name, 1, 1)"/></span>
            <span class="account-name"><xsl:value-of select="$name"/></span>
          </summary>
          <ul class="account-links">
            <li><a href="/account">Account</a></li>
            <li><a href="/account/sessions">Devices and sessions</a></li>
            <li><a href="/account/mfa">Two-factor authentication</a></li>
            <li>
              <form method="post" action="/logout" data-hx-boost="false">
                <input type="hidden" name="csrf" value="{$account/csrf}"/>
                <button type="submit" class="linklike">Sign out</button>
              </form>
            </li>
          </ul>
        </details>
      </div>
    </xsl:when>
    <xsl:otherwise>
      <div class="account" id="account">
        <a class="account-signin" href="/login">Sign in</a>
        <a class="account-signup" href="/signup">Sign up</a>
      </div>
    </xsl:otherwise>
  </xsl:choose>
  <xsl:comment>/account</xsl:comment>
</xsl:template>

<!-- Every form that changes something carries this (lib/csrf.h). -->
<xsl:template name="csrf-field">
  <input type="hidden" name="csrf" value="{/page/meta/csrf}"/>
</xsl:template>

<!-- A page whose template attribute names no page stylesheet is a bug:
     stop the transform, so the program answers 500 and logs it. -->
<xsl:template match="content" mode="content">
  <xsl:message terminate="yes">no page stylesheet for template '<xsl:value-of select="../@template"/>'</xsl:message>
</xsl:template>

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

<!-- ===== play controls on pages =====
     A row or block that can be played carries the data the player needs as data-*;
     its buttons carry data-js, which the stylesheet hides until player.js removes it,
     so a page without JavaScript shows no dead controls.  (Not the hidden attribute:
     libxml2 cannot write it in the minimized form html-validate asks for.) -->

<!-- data-* attributes of a playable track (call inside the element that gets them). -->
<xsl:template name="track-data">
  <xsl:param name="id"/>
  <xsl:param name="title"/>
  <xsl:param name="artist"/>
  <xsl:param name="album"/>
  <xsl:param name="album-id"/>
  <xsl:param name="cover"/>
  <xsl:param name="ms"/>
  <xsl:attribute name="data-track-id"><xsl:value-of select="$id"/></xsl:attribute>
  <xsl:attribute name="data-title"><xsl:value-of select="normalize-space($title)"/></xsl:attribute>
  <xsl:attribute name="data-artist"><xsl:value-of select="normalize-space($artist)"/></xsl:attribute>
  <xsl:attribute name="data-album"><xsl:value-of select="normalize-space($album)"/></xsl:attribute>
  <xsl:attribute name="data-album-id"><xsl:value-of select="$album-id"/></xsl:attribute>
  <xsl:attribute name="data-cover"><xsl:value-of select="normalize-space($cover)"/></xsl:attribute>
  <xsl:attribute name="data-duration-ms"><xsl:value-of select="$ms"/></xsl:attribute>
</xsl:template>

<!-- Credited artists as plain text "A, B"; context is their parent. -->
<xsl:template name="artist-names">
  <xsl:for-each select="artist">
    <xsl:if test="position() &gt; 1"><xsl:text>, </xsl:text></xsl:if>
    <xsl:value-of select="normalize-space(.)"/>
  </xsl:for-each>
</xsl:template>

<!-- The row's number, with a play button over it once the player is there. -->
<xsl:template name="row-play">
  <xsl:param name="num"/>
  <xsl:param name="title"/>
  <span class="num"><xsl:value-of select="$num"/></span>
  <span class="eq" aria-hidden="true"><i></i><i></i><i></i></span>
  <button type="button" class="row-play" data-player="play-row" data-js=""
          aria-label="{concat('Play ', normalize-space($title))}">
    <xsl:call-template name="icon"><xsl:with-param name="d" select="$i-play"/><xsl:with-param name="fill" select="true()"/><xsl:with-param name="class" select="'i-play'"/></xsl:call-template>
    <xsl:call-template name="icon"><xsl:with-param name="d" select="$i-pause"/><xsl:with-param name="fill" select="true()"/><xsl:with-param name="class" select="'i-pause'"/></xsl:call-template>
  </button>
</xsl:template>

<!-- "More options" for a row: Play next, Add to queue (the menu is the player's). -->
<xsl:template name="row-more">
  <xsl:param name="title"/>
  <button type="button" class="row-more" data-player="menu" data-js=""
          aria-haspopup="menu" aria-expanded="false" aria-controls="player-menu"
          aria-label="{concat('More options for ', normalize-space($title))}">
    <xsl:call-template name="icon"><xsl:with-param name="d" select="$i-more"/></xsl:call-template>
  </button>
</xsl:template>

<!-- The big round play button and its companions under a hero. -->
<xsl:template name="play-big">
  <xsl:param name="act"/>
  <xsl:param name="label"/>
  <button type="button" class="play-big" data-player="{$act}" aria-label="{$label}">
    <xsl:call-template name="icon"><xsl:with-param name="d" select="$i-play"/><xsl:with-param name="fill" select="true()"/><xsl:with-param name="class" select="'i-play'"/></xsl:call-template>
    <xsl:call-template name="icon"><xsl:with-param name="d" select="$i-pause"/><xsl:with-param name="fill" select="true()"/><xsl:with-param name="class" select="'i-pause'"/></xsl:call-template>
  </button>
</xsl:template>

<xsl:template name="action-button">
  <xsl:param name="act"/>
  <xsl:param name="text"/>
  <xsl:param name="icon"/>
  <xsl:param name="label" select="''"/>
  <button type="button" class="button button-quiet" data-player="{$act}">
    <xsl:if test="$label != ''"><xsl:attribute name="aria-label"><xsl:value-of select="$label"/></xsl:attribute></xsl:if>
    <xsl:call-template name="icon"><xsl:with-param name="d" select="$icon"/></xsl:call-template>
    <span><xsl:value-of select="$text"/></span>
  </button>
</xsl:template>

<!-- ===== the player (lives outside #page, so boosted navigation never touches it) ===== -->

<!-- An icon; decorative, its button carries the name.  fill: filled shape, else stroked. -->
<xsl:template name="icon">
  <xsl:param name="d"/>
  <xsl:param name="fill" select="false()"/>
  <xsl:param name="class" select="''"/>
  <svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 24 24" aria-hidden="true" focusable="false">
    <xsl:attribute name="class">
      <xsl:text>i</xsl:text>
      <xsl:if test="$fill"> i-fill</xsl:if>
      <xsl:if test="$class != ''"><xsl:value-of select="concat(' ', $class)"/></xsl:if>
    </xsl:attribute>
    <path d="{$d}"/>
  </svg>
</xsl:template>

<xsl:variable name="i-play" select="'M8 5.6v12.8c0 .8.9 1.3 1.6.9l10-6.4a1 1 0 0 0 0-1.7l-10-6.4C8.9 4.3 8 4.8 8 5.6z'"/>
<xsl:variable name="i-pause" select="'M7.5 5h2.6c.5 0 .9.4.9.9v12.2c0 .5-.4.9-.9.9H7.5a.9.9 0 0 1-.9-.9V5.9c0-.5.4-.9.9-.9zm6.4 0h2.6c.5 0 .9.4.9.9v12.2c0 .5-.4.9-.9.9h-2.6a.9.9 0 0 1-.9-.9V5.9c0-.5.4-.9.9-.9z'"/>
<xsl:variable name="i-next" select="'M5.5 6.3v11.4c0 .7.8 1.1 1.4.7l8.1-5.7a.9.9 0 0 0 0-1.4L6.9 5.6c-.6-.4-1.4 0-1.4.7zM16.6 5h1.3c.5 0 .9.4.9.9v12.2c0 .5-.4.9-.9.9h-1.3a.9.9 0 0 1-.9-.9V5.9c0-.5.4-.9.9-.9z'"/>
<xsl:variable name="i-prev" select="'M18.5 6.3v11.4c0 .7-.8 1.1-1.4.7L9 12.7a.9.9 0 0 1 0-1.4l8.1-5.7c.6-.4 1.4 0 1.4.7zM7.4 5H6.1a.9.9 0 0 0-.9.9v12.2c0 .5.4.9.9.9h1.3c.5 0 .9-.4.9-.9V5.9c0-.5-.4-.9-.9-.9z'"/>
<xsl:variable name="i-shuffle" select="'M3 7h3.2c2.1 0 3.3 1 4.4 2.7l2.8 4.6c1.1 1.7 2.3 2.7 4.4 2.7H21M18.5 14.5 21 17l-2.5 2.5M3 17h3.2c1.3 0 2.3-.4 3.1-1.1M14.7 8.1C15.5 7.4 16.5 7 17.8 7H21M18.5 4.5 21 7l-2.5 2.5'"/>
<xsl:variable name="i-repeat" select="'M17 3.5 19.5 6 17 8.5M4.5 11.5V10a4 4 0 0 1 4-4h11M7 20.5 4.5 18 7 15.5M19.5 12.5V14a4 4 0 0 1-4 4h-11'"/>
<xsl:variable name="i-queue" select="'M4 6h11M4 11h11M4 16h6M17.5 19.5V8.5l3.5 1.5M17.5 19.5a2 2 0 1 1-2-2 2 2 0 0 1 2 2z'"/>
<xsl:variable name="i-volume" select="'M4.5 9.3v5.4h3.3l4.7 4V5.3l-4.7 4zM15.8 9a4.2 4.2 0 0 1 0 6M18.4 6.4a7.9 7.9 0 0 1 0 11.2'"/>
<xsl:variable name="i-muted" select="'M4.5 9.3v5.4h3.3l4.7 4V5.3l-4.7 4zM16 9.5l5 5M21 9.5l-5 5'"/>
<xsl:variable name="i-keys" select="'M3.5 6.5h17a1 1 0 0 1 1 1v9a1 1 0 0 1-1 1h-17a1 1 0 0 1-1-1v-9a1 1 0 0 1 1-1zM6.5 10h.01M10 10h.01M13.5 10h.01M17 10h.01M7.5 14h9'"/>
<xsl:variable name="i-more" select="'M5 12h.01M12 12h.01M19 12h.01'"/>
<xsl:variable name="i-add" select="'M4 6h11M4 11h11M4 16h7M18 13v7M14.5 16.5h7'"/>
<xsl:variable name="i-playnext" select="'M4 6h8M4 11h8M4 16h8M15.5 7.5v9l6-4.5z'"/>
<xsl:variable name="i-close" select="'M6.5 6.5l11 11M17.5 6.5l-11 11'"/>
<xsl:variable name="i-up" select="'M6.5 14.5 12 9l5.5 5.5'"/>
<xsl:variable name="i-down" select="'M6.5 9.5 12 15l5.5-5.5'"/>
<xsl:variable name="i-grip" select="'M9 6h.01M15 6h.01M9 12h.01M15 12h.01M9 18h.01M15 18h.01'"/>
<xsl:variable name="i-album" select="'M12 3a9 9 0 1 0 0 18 9 9 0 0 0 0-18zM12 10a2 2 0 1 0 0 4 2 2 0 0 0 0-4z'"/>

<xsl:template name="player">
  <section id="player" class="player" aria-label="Player" data-static="{$static}" data-js="">
    <!-- The player loads these itself: their hashed (CDN) URLs. -->
    <xsl:attribute name="data-hls"><xsl:call-template name="asset"><xsl:with-param name="name" select="'vendor/hls.light.min.js'"/></xsl:call-template></xsl:attribute>
    <xsl:attribute name="data-placeholder"><xsl:call-template name="asset"><xsl:with-param name="name" select="'cover-placeholder.svg'"/></xsl:call-template></xsl:attribute>
    <div class="player-now">
      <span class="player-art" data-el="art"></span>
      <div class="player-meta">
        <a class="player-title" href="/" data-el="title">Nothing playing</a>
        <a class="player-artist" href="/" data-el="artist">Pick a song to start</a>
      </div>
    </div>
    <div class="player-center">
      <div class="player-buttons">
        <button type="button" class="pbtn pbtn-toggle" data-act="shuffle" aria-label="Shuffle" aria-pressed="false" aria-keyshortcuts="S">
          <xsl:call-template name="icon"><xsl:with-param name="d" select="$i-shuffle"/></xsl:call-template>
        </button>
        <button type="button" class="pbtn" data-act="prev" aria-label="Previous" aria-keyshortcuts="P">
          <xsl:call-template name="icon"><xsl:with-param name="d" select="$i-prev"/><xsl:with-param name="fill" select="true()"/></xsl:call-template>
        </button>
        <button type="button" class="pbtn pbtn-main" data-act="play" aria-label="Play" aria-keyshortcuts="Space">
          <xsl:call-template name="icon"><xsl:with-param name="d" select="$i-play"/><xsl:with-param name="fill" select="true()"/><xsl:with-param name="class" select="'i-play'"/></xsl:call-template>
          <xsl:call-template name="icon"><xsl:with-param name="d" select="$i-pause"/><xsl:with-param name="fill" select="true()"/><xsl:with-param name="class" select="'i-pause'"/></xsl:call-template>
        </button>
        <button type="button" class="pbtn" data-act="next" aria-label="Next" aria-keyshortcuts="N">
          <xsl:call-template name="icon"><xsl:with-param name="d" select="$i-next"/><xsl:with-param name="fill" select="true()"/></xsl:call-template>
        </button>
        <button type="button" class="pbtn pbtn-toggle" data-act="repeat" aria-label="Repeat" aria-pressed="false" aria-keyshortcuts="R" data-repeat="off">
          <xsl:call-template name="icon"><xsl:with-param name="d" select="$i-repeat"/></xsl:call-template>
          <span class="pbtn-badge" aria-hidden="true">1</span>
        </button>
        <button type="button" class="pbtn pbtn-expand" data-act="expand" aria-label="Open the full player" aria-expanded="false">
          <xsl:call-template name="icon"><xsl:with-param name="d" select="$i-up"/></xsl:call-template>
        </button>
      </div>
      <div class="player-seek">
        <span class="player-time" data-el="elapsed">0:00</span>
        <div class="seek" data-el="seek-track">
          <div class="seek-buffered" data-el="buffered"></div>
          <div class="seek-played" data-el="played"></div>
          <input type="range" class="seek-input" data-el="seek" min="0" max="0" step="1" value="0"
                 aria-label="Seek" aria-valuetext="0:00 of 0:00" disabled="disabled"/>
        </div>
        <span class="player-time player-time-left" data-el="remaining">0:00</span>
      </div>
    </div>
    <div class="player-side">
      <button type="button" class="pbtn pbtn-toggle" data-act="queue" aria-label="Queue" aria-expanded="false"
              aria-controls="player-queue" aria-keyshortcuts="Q">
        <xsl:call-template name="icon"><xsl:with-param name="d" select="$i-queue"/></xsl:call-template>
      </button>
      <div class="player-volume">
        <button type="button" class="pbtn" data-act="mute" aria-label="Mute" aria-pressed="false" aria-keyshortcuts="M">
          <xsl:call-template name="icon"><xsl:with-param name="d" select="$i-volume"/><xsl:with-param name="class" select="'i-vol'"/></xsl:call-template>
          <xsl:call-template name="icon"><xsl:with-param name="d" select="$i-muted"/><xsl:with-param name="class" select="'i-muted'"/></xsl:call-template>
        </button>
        <div class="volume" data-el="volume-track">
          <div class="seek-played" data-el="volume-level"></div>
          <input type="range" class="seek-input" data-el="volume" min="0" max="100" step="5" value="80"
                 aria-label="Volume" aria-valuetext="80%"/>
        </div>
      </div>
      <button type="button" class="pbtn" data-act="help" aria-label="Keyboard shortcuts" aria-haspopup="dialog" aria-keyshortcuts="?">
        <xsl:call-template name="icon"><xsl:with-param name="d" select="$i-keys"/></xsl:call-template>
      </button>
    </div>

    <aside id="player-queue" class="queue" aria-labelledby="player-queue-title">
      <div class="queue-head">
        <h2 id="player-queue-title" tabindex="-1">Queue</h2>
        <button type="button" class="button button-quiet button-small" data-act="clear">Clear</button>
        <button type="button" class="pbtn" data-act="queue-close" aria-label="Close queue">
          <xsl:call-template name="icon"><xsl:with-param name="d" select="$i-close"/></xsl:call-template>
        </button>
      </div>
      <div class="queue-body">
        <h3 class="queue-label">Now playing</h3>
        <ol class="queue-list" data-el="queue-now"></ol>
        <h3 class="queue-label" data-el="queue-next-label">Next up</h3>
        <ol class="queue-list" data-el="queue-next"></ol>
        <p class="queue-empty" data-el="queue-empty">Nothing queued. Use “Add to queue” on any song.</p>
      </div>
    </aside>

    <template data-el="queue-item">
      <li class="qi">
        <span class="qi-grip" aria-hidden="true" title="Drag to reorder">
          <xsl:call-template name="icon"><xsl:with-param name="d" select="$i-grip"/></xsl:call-template>
        </span>
        <button type="button" class="qi-main" data-qact="play" aria-label="Play">
          <span class="qi-art"></span>
          <span class="qi-text"><span class="qi-title"></span><span class="qi-artist"></span></span>
        </button>
        <span class="qi-time"></span>
        <!-- playlists.js: "Add to playlist…" for signed-in visitors.  player.js's click handler
             has no action for data-qact="playlist" (it ignores it); the attribute lets its
             redraw of the queue keep the focus on this button. -->
        <button type="button" class="pbtn pbtn-small qi-pl" data-qact="playlist" data-pl="queue-add" aria-label="Add to playlist…"
                title="Add to playlist…">
          <xsl:call-template name="icon"><xsl:with-param name="d" select="$i-add"/></xsl:call-template>
        </button>
        <span class="qi-tools">
          <button type="button" class="pbtn pbtn-small" data-qact="up" aria-label="Move up">
            <xsl:call-template name="icon"><xsl:with-param name="d" select="$i-up"/></xsl:call-template>
          </button>
          <button type="button" class="pbtn pbtn-small" data-qact="down" aria-label="Move down">
            <xsl:call-template name="icon"><xsl:with-param name="d" select="$i-down"/></xsl:call-template>
          </button>
          <button type="button" class="pbtn pbtn-small" data-qact="remove" aria-label="Remove from queue">
            <xsl:call-template name="icon"><xsl:with-param name="d" select="$i-close"/></xsl:call-template>
          </button>
        </span>
      </li>
    </template>

    <div class="menu" id="player-menu" role="menu" aria-label="Song options">
      <button type="button" role="menuitem" tabindex="-1" data-act="menu-next">
        <xsl:call-template name="icon"><xsl:with-param name="d" select="$i-playnext"/></xsl:call-template>
        <span>Play next</span>
      </button>
      <button type="button" role="menuitem" tabindex="-1" data-act="menu-add">
        <xsl:call-template name="icon"><xsl:with-param name="d" select="$i-add"/></xsl:call-template>
        <span>Add to queue</span>
      </button>
      <!-- Shown to signed-in visitors by playlists.js / library.js, which handle the
           "lyre:menu" event player.js sends for these two. -->
      <button type="button" role="menuitem" tabindex="-1" data-act="menu-playlist" hidden="hidden">
        <xsl:call-template name="icon"><xsl:with-param name="d" select="$i-add"/></xsl:call-template>
        <span>Add to playlist…</span>
      </button>
      <button type="button" role="menuitem" tabindex="-1" data-act="menu-like" hidden="hidden">
        <xsl:call-template name="icon"><xsl:with-param name="d" select="'M12 20s-7-4.4-7-10a4 4 0 0 1 7-2.6A4 4 0 0 1 19 10c0 5.6-7 10-7 10z'"/></xsl:call-template>
        <span>Like</span>
      </button>
      <a role="menuitem" tabindex="-1" href="/" data-act="menu-album">
        <xsl:call-template name="icon"><xsl:with-param name="d" select="$i-album"/></xsl:call-template>
        <span>Go to album</span>
      </a>
    </div>

    <dialog id="player-help" class="help" aria-labelledby="player-help-title">
      <div class="help-head">
        <h2 id="player-help-title">Keyboard shortcuts</h2>
        <button type="button" class="pbtn" data-act="help-close" aria-label="Close">
          <xsl:call-template name="icon"><xsl:with-param name="d" select="$i-close"/></xsl:call-template>
        </button>
      </div>
      <dl class="keys">
        <div><dt><kbd>Space</kbd></dt><dd>Play or pause</dd></div>
        <div><dt><kbd>N</kbd></dt><dd>Next song</dd></div>
        <div><dt><kbd>P</kbd></dt><dd>Previous song (or back to the start)</dd></div>
        <div><dt><kbd>Shift</kbd> + <kbd>→</kbd> / <kbd>←</kbd></dt><dd>Forward / back 10 seconds</dd></div>
        <div><dt><kbd>Shift</kbd> + <kbd>↑</kbd> / <kbd>↓</kbd></dt><dd>Volume up / down</dd></div>
        <div><dt><kbd>M</kbd></dt><dd>Mute or unmute</dd></div>
        <div><dt><kbd>S</kbd></dt><dd>Shuffle on or off</dd></div>
        <div><dt><kbd>R</kbd></dt><dd>Repeat: off, all, one</dd></div>
        <div><dt><kbd>Q</kbd></dt><dd>Show or hide the queue</dd></div>
        <div><dt><kbd>/</kbd></dt><dd>Search</dd></div>
        <div><dt><kbd>?</kbd></dt><dd>This list</dd></div>
      </dl>
      <p class="help-note">Shortcuts work anywhere except while typing in a text field.</p>
    </dialog>

    <p class="visually-hidden" aria-live="polite" data-el="status"></p>
  </section>
</xsl:template>

</xsl:stylesheet>
