<?xml version="1.0" encoding="UTF-8"?>
<!-- recommend.xsl: lyre-recommend's pages — /home ("Made for you", template foryou),
     /mix/NAME (mix), /radio/KIND/ID (radio) and /welcome (welcome).  Track rows use the
     album page's markup (track-data, row-play, row-more), so player.js plays them; each
     says why it is there and carries a "Don't play this" form (radio.js posts it with
     fetch and removes the row; without JavaScript the form posts and comes back).
     Other templates stay in mode "rec". -->
<xsl:stylesheet version="1.0" xmlns:xsl="http://www.w3.org/1999/XSL/Transform">

<xsl:variable name="i-radio" select="'M4.5 9.5h15v10h-15zM7 5.5l10 4M8.5 14.5h.01M15.5 12.5v4'"/>
<xsl:variable name="i-nope" select="'M12 3.5a8.5 8.5 0 1 0 0 17 8.5 8.5 0 0 0 0-17zM6 6l12 12'"/>

<!-- ===== /home ===== -->
<xsl:template match="page[@template='foryou']/content" mode="content">
  <xsl:variable name="f" select="foryou"/>
  <div class="page-head rec-head">
    <xsl:choose>
      <xsl:when test="$f/@state = 'anonymous'">
        <h1>Popular and trending</h1>
        <p class="stats"><a href="/signup">Sign up</a> or <a href="/login?next=%2Fhome">sign in</a> for mixes made for you.</p>
      </xsl:when>
      <xsl:otherwise>
        <h1>Made for you</h1>
        <p class="stats">
          <xsl:choose>
            <xsl:when test="$f/@state = 'fresh'">Play a few songs, or <a href="/welcome">pick some genres and artists</a>, and your mixes appear here.</xsl:when>
            <xsl:when test="$f/@state = 'picks'">Built from what you picked. It follows your listening as you play. <a href="/welcome">Change your picks</a></xsl:when>
            <xsl:otherwise>Mixes from what you play, like and follow, refreshed as you listen.</xsl:otherwise>
          </xsl:choose>
        </p>
      </xsl:otherwise>
    </xsl:choose>
  </div>
  <xsl:if test="$f/mixes/mix">
    <section class="shelf" aria-labelledby="rec-made">
      <h2 id="rec-made">Your mixes</h2>
      <ul class="grid rec-mixes">
        <xsl:for-each select="$f/mixes/mix">
          <xsl:apply-templates select="." mode="rec-card"/>
        </xsl:for-each>
      </ul>
    </section>
  </xsl:if>
  <xsl:for-each select="$f/rows/mix[@kind = 'because']">
    <xsl:apply-templates select="." mode="rec-row"/>
  </xsl:for-each>
  <xsl:if test="$f/releases/album">
    <section class="shelf" aria-labelledby="rec-releases">
      <h2 id="rec-releases">New from artists you follow</h2>
      <ul class="grid">
        <xsl:for-each select="$f/releases/album">
          <li class="card rec-card">
            <a class="card-link" href="/album/{@id}">
              <xsl:call-template name="cover"/>
              <span class="card-title"><xsl:value-of select="title"/></span>
            </a>
            <span class="card-sub"><a href="/artist/{artist/@id}"><xsl:value-of select="artist"/></a><xsl:if test="string(year) != ''"> · <xsl:value-of select="year"/></xsl:if></span>
            <span class="rec-why"><xsl:value-of select="why"/></span>
          </li>
        </xsl:for-each>
      </ul>
    </section>
  </xsl:if>
  <xsl:for-each select="$f/rows/mix[@kind != 'because']">
    <xsl:apply-templates select="." mode="rec-row"/>
  </xsl:for-each>
  <xsl:if test="not($f/mixes/mix) and not($f/rows/mix)">
    <p class="empty">Nothing to recommend yet. Music shows up here as soon as people listen.</p>
  </xsl:if>
</xsl:template>

<!-- A mix as a card: a mosaic of its first covers, its name and why. -->
<xsl:template match="mix" mode="rec-card">
  <li class="card rec-card rec-card-{@kind}">
    <a class="card-link" href="/mix/{@name}">
      <span class="rec-mosaic" aria-hidden="true">
        <xsl:for-each select="tracks/track[position() &lt;= 4]">
          <xsl:for-each select="album"><xsl:call-template name="cover"><xsl:with-param name="size" select="150"/></xsl:call-template></xsl:for-each>
        </xsl:for-each>
      </span>
      <span class="card-title"><xsl:value-of select="title"/></span>
    </a>
    <span class="card-sub rec-why"><xsl:value-of select="why"/></span>
  </li>
</xsl:template>

<!-- A mix as a row on Home: heading, why, and a short playable list. -->
<xsl:template match="mix" mode="rec-row">
  <section class="shelf rec-row" aria-labelledby="rec-{@name}">
    <div class="rec-row-head">
      <div>
        <h2 id="rec-{@name}"><a href="/mix/{@name}"><xsl:value-of select="title"/></a></h2>
        <xsl:if test="string(why) != ''"><p class="rec-why"><xsl:value-of select="why"/></p></xsl:if>
      </div>
      <xsl:if test="seed/@id">
        <xsl:call-template name="rec-radio-button">
          <xsl:with-param name="radio" select="concat('track:', seed/@id)"/>
          <xsl:with-param name="label" select="concat('Start a radio from ', seed)"/>
        </xsl:call-template>
      </xsl:if>
    </div>
    <xsl:call-template name="rec-tracklist">
      <xsl:with-param name="tracks" select="tracks/track[position() &lt;= 5]"/>
      <xsl:with-param name="list" select="concat('mix:', @name)"/>
      <xsl:with-param name="caption" select="title"/>
      <xsl:with-param name="id" select="concat('tracks-', @name)"/>
    </xsl:call-template>
  </section>
</xsl:template>

<!-- ===== /mix/NAME ===== -->
<xsl:template match="page[@template='mix']/content" mode="content">
  <xsl:variable name="m" select="mix"/>
  <div class="hero rec-hero">
    <div class="hero-art rec-mosaic" aria-hidden="true">
      <xsl:for-each select="$m/tracks/track[position() &lt;= 4]">
        <xsl:for-each select="album"><xsl:call-template name="cover"><xsl:with-param name="size" select="240"/></xsl:call-template></xsl:for-each>
      </xsl:for-each>
    </div>
    <div class="hero-text">
      <p class="kicker">
        <xsl:choose>
          <xsl:when test="$m/@kind = 'daily' or $m/@kind = 'discover'">Made for you</xsl:when>
          <xsl:otherwise>Mix</xsl:otherwise>
        </xsl:choose>
      </p>
      <h1><xsl:value-of select="$m/title"/></h1>
      <p class="hero-by"><xsl:value-of select="$m/why"/></p>
      <p class="hero-meta">
        <xsl:call-template name="count">
          <xsl:with-param name="n" select="count($m/tracks/track)"/>
          <xsl:with-param name="one" select="'song'"/>
          <xsl:with-param name="many" select="'songs'"/>
        </xsl:call-template>
      </p>
    </div>
  </div>
  <div class="actions-bar" data-js="">
    <xsl:call-template name="play-big">
      <xsl:with-param name="act" select="'play-list'"/>
      <xsl:with-param name="label" select="concat('Play ', normalize-space($m/title))"/>
    </xsl:call-template>
    <xsl:call-template name="action-button">
      <xsl:with-param name="act" select="'shuffle-list'"/>
      <xsl:with-param name="text" select="'Shuffle'"/>
      <xsl:with-param name="icon" select="$i-shuffle"/>
      <xsl:with-param name="label" select="concat('Shuffle ', normalize-space($m/title))"/>
    </xsl:call-template>
    <xsl:call-template name="action-button">
      <xsl:with-param name="act" select="'queue-list'"/>
      <xsl:with-param name="text" select="'Add to queue'"/>
      <xsl:with-param name="icon" select="$i-add"/>
    </xsl:call-template>
    <xsl:if test="$m/tracks/track">
      <xsl:call-template name="rec-radio-button">
        <xsl:with-param name="radio" select="concat('track:', $m/tracks/track[1]/@id)"/>
        <xsl:with-param name="label" select="concat('Start a radio from ', $m/tracks/track[1]/title)"/>
      </xsl:call-template>
    </xsl:if>
  </div>
  <xsl:call-template name="rec-tracklist">
    <xsl:with-param name="tracks" select="$m/tracks/track"/>
    <xsl:with-param name="list" select="concat('mix:', $m/@name)"/>
    <xsl:with-param name="caption" select="$m/title"/>
    <xsl:with-param name="id" select="'tracks'"/>
  </xsl:call-template>
</xsl:template>

<!-- ===== /radio/KIND/ID ===== -->
<xsl:template match="page[@template='radio']/content" mode="content">
  <xsl:variable name="r" select="radio"/>
  <div class="page-head rec-head">
    <p class="kicker">
      <xsl:choose>
        <xsl:when test="$r/@kind = 'track'">Song radio</xsl:when>
        <xsl:when test="$r/@kind = 'artist'">Artist radio</xsl:when>
        <xsl:otherwise>Playlist radio</xsl:otherwise>
      </xsl:choose>
    </p>
    <h1><xsl:value-of select="$r/name"/> radio</h1>
    <p class="stats">
      <xsl:if test="string($r/by) != ''"><xsl:value-of select="$r/by"/> · </xsl:if>
      An endless queue that follows what you play and steers away from what you skip.
    </p>
  </div>
  <div class="actions-bar">
    <xsl:call-template name="rec-radio-button">
      <xsl:with-param name="radio" select="concat($r/@kind, ':', $r/@id)"/>
      <xsl:with-param name="label" select="concat('Start ', normalize-space($r/name), ' radio')"/>
      <xsl:with-param name="big" select="true()"/>
    </xsl:call-template>
  </div>
  <h2 class="rec-sub">First up</h2>
  <xsl:choose>
    <xsl:when test="$r/tracks/track">
      <xsl:call-template name="rec-tracklist">
        <xsl:with-param name="tracks" select="$r/tracks/track"/>
        <xsl:with-param name="list" select="$r/@context"/>
        <xsl:with-param name="caption" select="concat($r/name, ' radio')"/>
        <xsl:with-param name="id" select="'tracks'"/>
      </xsl:call-template>
    </xsl:when>
    <xsl:otherwise><p class="empty">Nothing to play on this radio yet.</p></xsl:otherwise>
  </xsl:choose>
</xsl:template>

<!-- "Start radio": radio.js fetches the first batch and plays it (data-radio="KIND:ID").
     Without JavaScript it is a link to the radio page. -->
<xsl:template name="rec-radio-button">
  <xsl:param name="radio"/>
  <xsl:param name="label"/>
  <xsl:param name="big" select="false()"/>
  <a href="/radio/{substring-before($radio, ':')}/{substring-after($radio, ':')}" data-radio="{$radio}"
     aria-label="{$label}" data-hx-boost="false">
    <xsl:attribute name="class">
      <xsl:choose>
        <xsl:when test="$big">button rec-radio rec-radio-big</xsl:when>
        <xsl:otherwise>button button-quiet rec-radio</xsl:otherwise>
      </xsl:choose>
    </xsl:attribute>
    <xsl:call-template name="icon"><xsl:with-param name="d" select="$i-radio"/></xsl:call-template>
    <span>Start radio</span>
  </a>
</xsl:template>

<!-- ===== /welcome ===== -->
<xsl:template match="page[@template='welcome']/content" mode="content">
  <div class="page-head rec-head">
    <h1>Welcome! What do you like?</h1>
    <p class="stats">Pick a few genres and artists and your Home starts from them. You can change this later.</p>
  </div>
  <xsl:if test="string(problem) != ''"><p class="form-error" role="alert"><xsl:value-of select="problem"/></p></xsl:if>
  <form class="rec-welcome" method="post" action="/welcome">
    <xsl:call-template name="csrf-field"/>
    <fieldset class="rec-picks">
      <legend>Genres</legend>
      <xsl:for-each select="genres/genre">
        <label class="rec-chip">
          <input type="checkbox" name="genre[]" value="{@id}">
            <xsl:if test="@picked"><xsl:attribute name="checked">checked</xsl:attribute></xsl:if>
          </input>
          <span><xsl:value-of select="."/></span>
        </label>
      </xsl:for-each>
      <xsl:if test="not(genres/genre)"><p class="empty">No genres in the catalogue yet.</p></xsl:if>
    </fieldset>
    <fieldset class="rec-picks">
      <legend>Artists</legend>
      <xsl:for-each select="artists/artist">
        <label class="rec-chip">
          <input type="checkbox" name="artist[]" value="{@id}">
            <xsl:if test="@picked"><xsl:attribute name="checked">checked</xsl:attribute></xsl:if>
          </input>
          <span><xsl:value-of select="."/></span>
        </label>
      </xsl:for-each>
    </fieldset>
    <div class="form-actions">
      <button type="submit" class="button">Show my Home</button>
      <button type="submit" class="button button-quiet" name="skip" value="1">Skip</button>
    </div>
  </form>
</xsl:template>

<!-- ===== track rows ===== -->
<xsl:template name="rec-tracklist">
  <xsl:param name="tracks"/>
  <xsl:param name="list"/>
  <xsl:param name="caption"/>
  <xsl:param name="id"/>
  <table class="tracklist lib-tracklist rec-tracklist" id="{$id}" data-tracklist="{$list}">
    <caption class="visually-hidden"><xsl:value-of select="$caption"/></caption>
    <thead>
      <tr>
        <th scope="col" class="col-num"><span aria-hidden="true">#</span><span class="visually-hidden">Number</span></th>
        <th scope="col" class="col-title">Title</th>
        <th scope="col" class="col-album">Why</th>
        <th scope="col" class="col-time"><span class="visually-hidden">Duration</span><xsl:call-template name="clock"/></th>
      </tr>
    </thead>
    <tbody>
      <xsl:for-each select="$tracks">
        <xsl:apply-templates select="." mode="rec">
          <xsl:with-param name="pos" select="position()"/>
        </xsl:apply-templates>
      </xsl:for-each>
    </tbody>
  </table>
</xsl:template>

<xsl:template match="track" mode="rec">
  <xsl:param name="pos"/>
  <tr class="track-row">
    <xsl:call-template name="track-data">
      <xsl:with-param name="id" select="@id"/>
      <xsl:with-param name="title" select="title"/>
      <xsl:with-param name="artist" select="artist"/>
      <xsl:with-param name="album" select="album/title"/>
      <xsl:with-param name="album-id" select="album/@id"/>
      <xsl:with-param name="cover" select="album/cover"/>
      <xsl:with-param name="ms" select="duration/@ms"/>
    </xsl:call-template>
    <xsl:attribute name="data-artist-id"><xsl:value-of select="artist/@id"/></xsl:attribute>
    <td class="col-num">
      <xsl:call-template name="row-play">
        <xsl:with-param name="num" select="$pos"/>
        <xsl:with-param name="title" select="title"/>
      </xsl:call-template>
    </td>
    <th scope="row" class="col-title">
      <span class="lib-cell">
        <xsl:for-each select="album">
          <span class="lib-thumb"><xsl:call-template name="cover"><xsl:with-param name="size" select="40"/></xsl:call-template></span>
        </xsl:for-each>
        <span class="lib-title-text">
          <a class="track-title" href="/track/{@id}"><xsl:value-of select="title"/></a>
          <span class="track-by"><a href="/artist/{artist/@id}"><xsl:value-of select="artist"/></a> · <a href="/album/{album/@id}"><xsl:value-of select="album/title"/></a></span>
        </span>
      </span>
    </th>
    <td class="col-album rec-why"><xsl:value-of select="why"/></td>
    <td class="col-time">
      <xsl:if test="/page/meta/account">
        <form class="rec-dislike" method="post" action="/recommend/dislike" data-dislike="" data-hx-boost="false">
          <xsl:call-template name="csrf-field"/>
          <input type="hidden" name="track_id" value="{@id}"/>
          <button type="submit" class="pbtn pbtn-small" aria-label="{concat('Don’t play ', normalize-space(title))}" title="Don’t play this">
            <xsl:call-template name="icon"><xsl:with-param name="d" select="$i-nope"/></xsl:call-template>
          </button>
        </form>
      </xsl:if>
      <xsl:call-template name="row-more"><xsl:with-param name="title" select="title"/></xsl:call-template>
      <xsl:apply-templates select="duration" mode="time"/>
    </td>
  </tr>
</xsl:template>

</xsl:stylesheet>
