<?xml version="1.0" encoding="UTF-8"?>
<!-- library.xsl: "Your library" (signed in, never cached) — /library (overview and
     recently played), /library/songs (Liked Songs, playable like an album),
     /library/albums, /library/artists, /library/playlists, /library/history.
     content/@view says which; other templates stay in mode "library". -->
<xsl:stylesheet version="1.0" xmlns:xsl="http://www.w3.org/1999/XSL/Transform">

<xsl:variable name="i-heart" select="'M12 20s-7-4.4-7-10a4 4 0 0 1 7-2.6A4 4 0 0 1 19 10c0 5.6-7 10-7 10z'"/>

<xsl:template match="page[@template='library']/content" mode="content">
  <xsl:variable name="view" select="string(@view)"/>
  <div class="page-head lib-head">
    <xsl:if test="$view != 'overview'"><p class="kicker">Your Library</p></xsl:if>
    <h1>
      <xsl:choose>
        <xsl:when test="$view = 'songs'">Liked Songs</xsl:when>
        <xsl:when test="$view = 'albums'">Albums</xsl:when>
        <xsl:when test="$view = 'artists'">Artists</xsl:when>
        <xsl:when test="$view = 'playlists'">Playlists</xsl:when>
        <xsl:when test="$view = 'history'">Listening history</xsl:when>
        <xsl:otherwise>Your Library</xsl:otherwise>
      </xsl:choose>
    </h1>
    <xsl:if test="total">
      <p class="stats">
        <xsl:choose>
          <xsl:when test="$view = 'songs'"><xsl:call-template name="count"><xsl:with-param name="n" select="total"/><xsl:with-param name="one" select="'song'"/><xsl:with-param name="many" select="'songs'"/></xsl:call-template></xsl:when>
          <xsl:when test="$view = 'albums'"><xsl:call-template name="count"><xsl:with-param name="n" select="total"/><xsl:with-param name="one" select="'album'"/><xsl:with-param name="many" select="'albums'"/></xsl:call-template></xsl:when>
          <xsl:when test="$view = 'artists'"><xsl:call-template name="count"><xsl:with-param name="n" select="total"/><xsl:with-param name="one" select="'artist'"/><xsl:with-param name="many" select="'artists'"/></xsl:call-template></xsl:when>
          <xsl:when test="$view = 'playlists'"><xsl:call-template name="count"><xsl:with-param name="n" select="total"/><xsl:with-param name="one" select="'playlist'"/><xsl:with-param name="many" select="'playlists'"/></xsl:call-template></xsl:when>
          <xsl:when test="$view = 'history'"><xsl:call-template name="count"><xsl:with-param name="n" select="total"/><xsl:with-param name="one" select="'play'"/><xsl:with-param name="many" select="'plays'"/></xsl:call-template></xsl:when>
        </xsl:choose>
      </p>
    </xsl:if>
  </div>
  <nav class="lib-nav" aria-label="Your library">
    <ul>
      <xsl:call-template name="lib-nav-item"><xsl:with-param name="href" select="'/library'"/><xsl:with-param name="label" select="'Overview'"/><xsl:with-param name="here" select="$view = 'overview'"/></xsl:call-template>
      <xsl:call-template name="lib-nav-item"><xsl:with-param name="href" select="'/library/songs'"/><xsl:with-param name="label" select="'Liked Songs'"/><xsl:with-param name="here" select="$view = 'songs'"/></xsl:call-template>
      <xsl:call-template name="lib-nav-item"><xsl:with-param name="href" select="'/library/albums'"/><xsl:with-param name="label" select="'Albums'"/><xsl:with-param name="here" select="$view = 'albums'"/></xsl:call-template>
      <xsl:call-template name="lib-nav-item"><xsl:with-param name="href" select="'/library/artists'"/><xsl:with-param name="label" select="'Artists'"/><xsl:with-param name="here" select="$view = 'artists'"/></xsl:call-template>
      <xsl:call-template name="lib-nav-item"><xsl:with-param name="href" select="'/library/playlists'"/><xsl:with-param name="label" select="'Playlists'"/><xsl:with-param name="here" select="$view = 'playlists'"/></xsl:call-template>
      <xsl:call-template name="lib-nav-item"><xsl:with-param name="href" select="'/library/history'"/><xsl:with-param name="label" select="'History'"/><xsl:with-param name="here" select="$view = 'history'"/></xsl:call-template>
      <xsl:call-template name="lib-nav-item"><xsl:with-param name="href" select="'/stats'"/><xsl:with-param name="label" select="'Stats'"/><xsl:with-param name="here" select="false()"/></xsl:call-template>
    </ul>
  </nav>
  <xsl:choose>
    <xsl:when test="$view = 'songs'"><xsl:apply-templates select="." mode="library-songs"/></xsl:when>
    <xsl:when test="$view = 'albums'"><xsl:apply-templates select="." mode="library-albums"/></xsl:when>
    <xsl:when test="$view = 'artists'"><xsl:apply-templates select="." mode="library-artists"/></xsl:when>
    <xsl:when test="$view = 'playlists'"><xsl:apply-templates select="." mode="library-playlists"/></xsl:when>
    <xsl:when test="$view = 'history'"><xsl:apply-templates select="." mode="library-history"/></xsl:when>
    <xsl:otherwise><xsl:apply-templates select="." mode="library-overview"/></xsl:otherwise>
  </xsl:choose>
  <xsl:apply-templates select="pager" mode="library"/>
</xsl:template>

<xsl:template name="lib-nav-item">
  <xsl:param name="href"/>
  <xsl:param name="label"/>
  <xsl:param name="here"/>
  <li>
    <a href="{$href}">
      <xsl:if test="$here"><xsl:attribute name="aria-current">page</xsl:attribute></xsl:if>
      <xsl:value-of select="$label"/>
    </a>
  </li>
</xsl:template>

<!-- ===== overview ===== -->
<xsl:template match="content" mode="library-overview">
  <ul class="lib-tiles">
    <li class="lib-tile lib-tile-liked">
      <a href="/library/songs">
        <span class="lib-tile-icon" aria-hidden="true"><xsl:call-template name="icon"><xsl:with-param name="d" select="$i-heart"/><xsl:with-param name="fill" select="true()"/></xsl:call-template></span>
        <span class="lib-tile-name">Liked Songs</span>
        <span class="lib-tile-sub"><xsl:call-template name="count"><xsl:with-param name="n" select="counts/songs"/><xsl:with-param name="one" select="'song'"/><xsl:with-param name="many" select="'songs'"/></xsl:call-template></span>
      </a>
    </li>
    <xsl:call-template name="lib-tile"><xsl:with-param name="href" select="'/library/albums'"/><xsl:with-param name="name" select="'Albums'"/><xsl:with-param name="n" select="counts/albums"/><xsl:with-param name="one" select="'saved album'"/><xsl:with-param name="many" select="'saved albums'"/></xsl:call-template>
    <xsl:call-template name="lib-tile"><xsl:with-param name="href" select="'/library/artists'"/><xsl:with-param name="name" select="'Artists'"/><xsl:with-param name="n" select="counts/artists"/><xsl:with-param name="one" select="'followed'"/><xsl:with-param name="many" select="'followed'"/></xsl:call-template>
    <xsl:call-template name="lib-tile"><xsl:with-param name="href" select="'/library/playlists'"/><xsl:with-param name="name" select="'Playlists'"/><xsl:with-param name="n" select="counts/playlists"/><xsl:with-param name="one" select="'playlist'"/><xsl:with-param name="many" select="'playlists'"/></xsl:call-template>
    <li class="lib-tile"><a href="/library/history"><span class="lib-tile-name">History</span><span class="lib-tile-sub">Everything you played</span></a></li>
    <li class="lib-tile"><a href="/stats"><span class="lib-tile-name">Stats</span><span class="lib-tile-sub">Your top songs and artists</span></a></li>
  </ul>
  <section class="shelf" aria-labelledby="lib-recent">
    <h2 id="lib-recent">Recently played</h2>
    <xsl:if test="history-paused">
      <p class="lib-note">Your listening history is paused: new plays are not added. <a href="/library/history">Resume it</a></p>
    </xsl:if>
    <xsl:choose>
      <xsl:when test="recent/track">
        <xsl:call-template name="lib-tracklist">
          <xsl:with-param name="tracks" select="recent/track"/>
          <xsl:with-param name="list" select="'recent'"/>
          <xsl:with-param name="caption" select="'Recently played songs'"/>
        </xsl:call-template>
      </xsl:when>
      <xsl:otherwise><p class="empty">Songs you play show up here.</p></xsl:otherwise>
    </xsl:choose>
  </section>
</xsl:template>

<xsl:template name="lib-tile">
  <xsl:param name="href"/>
  <xsl:param name="name"/>
  <xsl:param name="n"/>
  <xsl:param name="one"/>
  <xsl:param name="many"/>
  <li class="lib-tile">
    <a href="{$href}">
      <span class="lib-tile-name"><xsl:value-of select="$name"/></span>
      <span class="lib-tile-sub"><xsl:call-template name="count"><xsl:with-param name="n" select="$n"/><xsl:with-param name="one" select="$one"/><xsl:with-param name="many" select="$many"/></xsl:call-template></span>
    </a>
  </li>
</xsl:template>

<!-- ===== Liked Songs ===== -->
<xsl:template match="content" mode="library-songs">
  <xsl:choose>
    <xsl:when test="tracks/track">
      <div class="actions-bar" data-js="">
        <xsl:call-template name="play-big">
          <xsl:with-param name="act" select="'play-list'"/>
          <xsl:with-param name="label" select="'Play Liked Songs'"/>
        </xsl:call-template>
        <xsl:call-template name="action-button">
          <xsl:with-param name="act" select="'shuffle-list'"/>
          <xsl:with-param name="text" select="'Shuffle'"/>
          <xsl:with-param name="icon" select="$i-shuffle"/>
          <xsl:with-param name="label" select="'Shuffle Liked Songs'"/>
        </xsl:call-template>
        <xsl:call-template name="action-button">
          <xsl:with-param name="act" select="'queue-list'"/>
          <xsl:with-param name="text" select="'Add to queue'"/>
          <xsl:with-param name="icon" select="$i-add"/>
        </xsl:call-template>
      </div>
      <xsl:call-template name="lib-tracklist">
        <xsl:with-param name="tracks" select="tracks/track"/>
        <xsl:with-param name="list" select="'liked'"/>
        <xsl:with-param name="caption" select="'Liked Songs'"/>
        <xsl:with-param name="extra" select="'Added'"/>
        <xsl:with-param name="like" select="true()"/>
      </xsl:call-template>
    </xsl:when>
    <xsl:otherwise><p class="empty">Songs you like appear here. Open a song's menu (the three dots) and choose Like.</p></xsl:otherwise>
  </xsl:choose>
</xsl:template>

<!-- A playable track table: the album page's row markup, so the player's play,
     queue and row menu work here too.  extra: heading of a column before the time. -->
<xsl:template name="lib-tracklist">
  <xsl:param name="tracks"/>
  <xsl:param name="list"/>
  <xsl:param name="caption"/>
  <xsl:param name="extra" select="''"/>
  <xsl:param name="like" select="false()"/>
  <table class="tracklist lib-tracklist" id="tracks" data-tracklist="{$list}">
    <caption class="visually-hidden"><xsl:value-of select="$caption"/></caption>
    <thead>
      <tr>
        <th scope="col" class="col-num"><span aria-hidden="true">#</span><span class="visually-hidden">Number</span></th>
        <th scope="col" class="col-title">Title</th>
        <th scope="col" class="col-album">Album</th>
        <xsl:if test="$extra != ''"><th scope="col" class="col-when"><xsl:value-of select="$extra"/></th></xsl:if>
        <xsl:if test="$like"><th scope="col" class="col-like"><span class="visually-hidden">Liked</span></th></xsl:if>
        <th scope="col" class="col-time"><span class="visually-hidden">Duration</span><xsl:call-template name="clock"/></th>
      </tr>
    </thead>
    <tbody>
      <xsl:for-each select="$tracks">
        <xsl:apply-templates select="." mode="library">
          <xsl:with-param name="num" select="string(@n)"/>
          <xsl:with-param name="pos" select="position()"/>
          <xsl:with-param name="extra" select="$extra != ''"/>
          <xsl:with-param name="like" select="$like"/>
        </xsl:apply-templates>
      </xsl:for-each>
    </tbody>
  </table>
</xsl:template>

<xsl:template match="track" mode="library">
  <xsl:param name="num"/>
  <xsl:param name="pos"/>
  <xsl:param name="extra" select="false()"/>
  <xsl:param name="like" select="false()"/>
  <tr class="track-row">
    <xsl:if test="@unavailable"><xsl:attribute name="class">track-row is-unavailable</xsl:attribute></xsl:if>
    <xsl:call-template name="track-data">
      <xsl:with-param name="id" select="@id"/>
      <xsl:with-param name="title" select="title"/>
      <xsl:with-param name="artist"><xsl:for-each select="artists"><xsl:call-template name="artist-names"/></xsl:for-each></xsl:with-param>
      <xsl:with-param name="album" select="album/title"/>
      <xsl:with-param name="album-id" select="album/@id"/>
      <xsl:with-param name="cover" select="album/cover"/>
      <xsl:with-param name="ms" select="duration/@ms"/>
    </xsl:call-template>
    <td class="col-num">
      <xsl:call-template name="row-play">
        <xsl:with-param name="num"><xsl:choose><xsl:when test="string($num) != ''"><xsl:value-of select="$num"/></xsl:when><xsl:otherwise><xsl:value-of select="$pos"/></xsl:otherwise></xsl:choose></xsl:with-param>
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
        <span class="track-by"><xsl:for-each select="artists"><xsl:call-template name="artist-links"/></xsl:for-each></span>
      </span>
      </span>
    </th>
    <td class="col-album"><a href="/album/{album/@id}"><xsl:value-of select="album/title"/></a></td>
    <xsl:if test="$extra">
      <td class="col-when">
        <xsl:choose>
          <xsl:when test="played-at">
            <time datetime="{played-at/@datetime}"><xsl:value-of select="played-at"/></time>
            <span class="lib-reached lib-reached-{reached}">
              <xsl:choose>
                <xsl:when test="reached = 'complete'">Played to the end</xsl:when>
                <xsl:when test="reached = 'skip'">Skipped at <xsl:value-of select="listened"/></xsl:when>
                <xsl:when test="reached = '30s'">Played <xsl:value-of select="listened"/></xsl:when>
                <xsl:otherwise>Started</xsl:otherwise>
              </xsl:choose>
            </span>
          </xsl:when>
          <xsl:otherwise><time datetime="{liked-at}"><xsl:value-of select="liked-at"/></time></xsl:otherwise>
        </xsl:choose>
      </td>
    </xsl:if>
    <xsl:if test="$like">
      <td class="col-like">
        <form method="post" action="/library/like" class="like-form">
          <xsl:call-template name="csrf-field"/>
          <input type="hidden" name="kind" value="track"/>
          <input type="hidden" name="id" value="{@id}"/>
          <input type="hidden" name="on" value="0"/>
          <button type="submit" class="like" data-like="track" data-id="{@id}" aria-pressed="true"
                  aria-label="{concat('Remove ', normalize-space(title), ' from Liked Songs')}">
            <xsl:call-template name="icon"><xsl:with-param name="d" select="$i-heart"/></xsl:call-template>
          </button>
        </form>
      </td>
    </xsl:if>
    <td class="col-time">
      <xsl:call-template name="row-more"><xsl:with-param name="title" select="title"/></xsl:call-template>
      <xsl:apply-templates select="duration" mode="time"/>
    </td>
  </tr>
</xsl:template>

<!-- ===== saved albums, followed artists ===== -->
<xsl:template match="content" mode="library-albums">
  <xsl:choose>
    <xsl:when test="albums/album">
      <ul class="grid">
        <xsl:for-each select="albums/album"><xsl:call-template name="album-card"/></xsl:for-each>
      </ul>
    </xsl:when>
    <xsl:otherwise><p class="empty">Albums you save appear here: press the heart on an album's page.</p></xsl:otherwise>
  </xsl:choose>
</xsl:template>

<xsl:template match="content" mode="library-artists">
  <xsl:choose>
    <xsl:when test="artists/artist">
      <ul class="artist-list">
        <xsl:for-each select="artists/artist"><xsl:call-template name="artist-row"/></xsl:for-each>
      </ul>
    </xsl:when>
    <xsl:otherwise><p class="empty">Artists you follow appear here: press Follow on an artist's page.</p></xsl:otherwise>
  </xsl:choose>
</xsl:template>

<!-- ===== playlists ===== -->
<xsl:template match="content" mode="library-playlists">
  <form class="lib-new-playlist" method="post" action="/playlists">
    <xsl:call-template name="csrf-field"/>
    <label for="new-playlist-name">New playlist</label>
    <input type="text" id="new-playlist-name" name="name" maxlength="100" required="required"
           placeholder="Name" autocomplete="off"/>
    <button type="submit" class="button">Create</button>
  </form>
  <xsl:choose>
    <xsl:when test="playlists/playlist">
      <ul class="grid">
        <xsl:for-each select="playlists/playlist">
          <li class="card">
            <a class="card-link" href="/playlist/{@id}">
              <xsl:call-template name="placeholder">
                <xsl:with-param name="id" select="@id"/>
                <xsl:with-param name="name" select="title"/>
              </xsl:call-template>
              <span class="card-title"><xsl:value-of select="title"/></span>
            </a>
            <span class="card-sub">
              <xsl:choose>
                <xsl:when test="@relation = 'own'">By you</xsl:when>
                <xsl:otherwise>By <xsl:value-of select="owner"/></xsl:otherwise>
              </xsl:choose>
              <xsl:text> · </xsl:text>
              <xsl:call-template name="count"><xsl:with-param name="n" select="tracks"/><xsl:with-param name="one" select="'song'"/><xsl:with-param name="many" select="'songs'"/></xsl:call-template>
            </span>
            <span class="card-sub lib-badges">
              <xsl:choose>
                <xsl:when test="@relation = 'collaborator'">Collaborator</xsl:when>
                <xsl:when test="@relation = 'following'">Following</xsl:when>
                <xsl:when test="@public">Public</xsl:when>
                <xsl:otherwise>Private</xsl:otherwise>
              </xsl:choose>
              <xsl:if test="@collaborative and @relation != 'collaborator'"> · Collaborative</xsl:if>
            </span>
          </li>
        </xsl:for-each>
      </ul>
    </xsl:when>
    <xsl:otherwise><p class="empty">No playlists yet. Make one above, or follow someone else's.</p></xsl:otherwise>
  </xsl:choose>
</xsl:template>

<!-- ===== history ===== -->
<xsl:template match="content" mode="library-history">
  <xsl:if test="done">
    <p class="form-notice lib-notice" role="status">
      <xsl:choose>
        <xsl:when test="done = 'paused'">History paused. New plays will not be added.</xsl:when>
        <xsl:when test="done = 'resumed'">History resumed.</xsl:when>
        <xsl:otherwise>Your listening history was cleared.</xsl:otherwise>
      </xsl:choose>
    </p>
  </xsl:if>
  <xsl:if test="problem">
    <p class="form-error lib-alert" role="alert"><xsl:value-of select="problem"/></p>
  </xsl:if>
  <div class="lib-history-tools">
    <xsl:choose>
      <xsl:when test="history-paused">
        <p class="lib-note">Your listening history is paused: what you play now is not added to it (and not to your stats).</p>
        <form method="post" action="/library/history/resume">
          <xsl:call-template name="csrf-field"/>
          <button type="submit" class="button">Resume history</button>
        </form>
      </xsl:when>
      <xsl:otherwise>
        <form method="post" action="/library/history/pause">
          <xsl:call-template name="csrf-field"/>
          <button type="submit" class="button button-quiet">Pause history</button>
        </form>
      </xsl:otherwise>
    </xsl:choose>
    <xsl:if test="plays/track">
      <form method="post" action="/library/history/clear" class="lib-clear">
        <xsl:call-template name="csrf-field"/>
        <label><input type="checkbox" name="confirm" value="yes" required="required"/> Clear my whole history</label>
        <button type="submit" class="button button-quiet">Clear history</button>
      </form>
    </xsl:if>
  </div>
  <xsl:choose>
    <xsl:when test="plays/track">
      <xsl:call-template name="lib-tracklist">
        <xsl:with-param name="tracks" select="plays/track"/>
        <xsl:with-param name="list" select="'history'"/>
        <xsl:with-param name="caption" select="'Listening history, newest first'"/>
        <xsl:with-param name="extra" select="'Played'"/>
      </xsl:call-template>
    </xsl:when>
    <xsl:otherwise><p class="empty">Nothing here yet. Songs you play are listed here, newest first.</p></xsl:otherwise>
  </xsl:choose>
</xsl:template>

<xsl:template match="pager" mode="library">
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
