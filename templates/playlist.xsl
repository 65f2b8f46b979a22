<?xml version="1.0" encoding="UTF-8"?>
<!-- playlist.xsl: GET /playlist/N and GET /s/TOKEN (the share link, read-only).
     A hero with the uploaded cover or the mosaic, the songs of one page as playable rows
     (the same data-* as album rows, so play, queue and the row menu work), and for the
     owner and collaborators: move and remove buttons on every row (buttons of one plain
     form: the keyboard and no-JavaScript way to reorder; playlists.js adds dragging and
     keeps the focus on a moved row), the details form, collaborators, for the owner the
     cover upload and the share link, and the log of edits. -->
<xsl:stylesheet version="1.0" xmlns:xsl="http://www.w3.org/1999/XSL/Transform">

<xsl:template match="page[@template='playlist']/content" mode="content">
  <xsl:variable name="pl" select="playlist"/>
  <xsl:variable name="edit" select="$pl/@editable = '1'"/>
  <xsl:apply-templates select="$pl" mode="playlist-hero"/>
  <div class="actions-bar pl-actions">
    <xsl:if test="items/track">
      <span class="pl-play" data-js="">
        <xsl:call-template name="play-big">
          <xsl:with-param name="act" select="'play-list'"/>
          <xsl:with-param name="label" select="concat('Play ', normalize-space($pl/name))"/>
        </xsl:call-template>
        <xsl:call-template name="action-button">
          <xsl:with-param name="act" select="'shuffle-list'"/>
          <xsl:with-param name="text" select="'Shuffle'"/>
          <xsl:with-param name="icon" select="$i-shuffle"/>
          <xsl:with-param name="label" select="concat('Shuffle ', normalize-space($pl/name))"/>
        </xsl:call-template>
        <xsl:call-template name="action-button">
          <xsl:with-param name="act" select="'queue-list'"/>
          <xsl:with-param name="text" select="'Add to queue'"/>
          <xsl:with-param name="icon" select="$i-add"/>
        </xsl:call-template>
      </span>
      <!-- A share link's visitor may not see the playlist by its id: no radio there. -->
      <xsl:if test="$pl/@role != 'shared'">
        <xsl:call-template name="rec-radio-button">
          <xsl:with-param name="radio" select="concat('playlist:', $pl/@id)"/>
          <xsl:with-param name="label" select="concat('Start a radio from ', normalize-space($pl/name))"/>
        </xsl:call-template>
      </xsl:if>
    </xsl:if>
    <xsl:choose>
      <xsl:when test="$pl/@follow = 'can'">
        <xsl:call-template name="pl-button-form">
          <xsl:with-param name="action" select="concat('/playlist/', $pl/@id, '/follow')"/>
          <xsl:with-param name="text" select="'Follow'"/>
        </xsl:call-template>
      </xsl:when>
      <xsl:when test="$pl/@follow = 'following'">
        <xsl:call-template name="pl-button-form">
          <xsl:with-param name="action" select="concat('/playlist/', $pl/@id, '/unfollow')"/>
          <xsl:with-param name="text" select="'Unfollow'"/>
        </xsl:call-template>
      </xsl:when>
    </xsl:choose>
  </div>
  <xsl:choose>
    <xsl:when test="items/track">
      <xsl:if test="$edit">
        <!-- The icons of the edit buttons, drawn once and used on every row. -->
        <svg class="pl-sprite" aria-hidden="true" focusable="false" width="0" height="0">
          <symbol id="pl-i-grip" viewBox="0 0 24 24"><path d="{$i-grip}"/></symbol>
          <symbol id="pl-i-up" viewBox="0 0 24 24"><path d="{$i-up}"/></symbol>
          <symbol id="pl-i-down" viewBox="0 0 24 24"><path d="{$i-down}"/></symbol>
          <symbol id="pl-i-close" viewBox="0 0 24 24"><path d="{$i-close}"/></symbol>
        </svg>
        <form id="pl-rows" method="post" action="/playlist/{$pl/@id}/items/move" data-pl-rows="">
          <xsl:call-template name="csrf-field"/>
          <input type="hidden" name="version" value="{$pl/@version}"/>
        </form>
      </xsl:if>
      <table class="tracklist pl-tracks" id="tracks" data-tracklist="playlist:{$pl/@id}:{items/@page}"
             data-playlist="{$pl/@id}" data-version="{$pl/@version}" data-page="{items/@page}" data-per-page="{items/@per}">
        <xsl:if test="$edit"><xsl:attribute name="data-editable">1</xsl:attribute></xsl:if>
        <caption class="visually-hidden">Songs of <xsl:value-of select="$pl/name"/></caption>
        <thead>
          <tr>
            <th scope="col" class="col-num"><span aria-hidden="true">#</span><span class="visually-hidden">Number</span></th>
            <th scope="col" class="col-title">Title</th>
            <th scope="col" class="col-album">Album</th>
            <th scope="col" class="col-time"><span class="visually-hidden">Duration</span><xsl:call-template name="clock"/></th>
            <xsl:if test="$edit"><th scope="col" class="col-edit"><span class="visually-hidden">Arrange</span></th></xsl:if>
          </tr>
        </thead>
        <tbody>
          <xsl:apply-templates select="items/track" mode="playlist">
            <xsl:with-param name="edit" select="$edit"/>
          </xsl:apply-templates>
        </tbody>
      </table>
      <xsl:apply-templates select="items" mode="playlist-pager"/>
    </xsl:when>
    <xsl:otherwise>
      <p class="empty">
        <xsl:text>No songs yet.</xsl:text>
        <xsl:if test="$edit"> Add some with “Add to playlist…” in the menu of any song, or from an album page.</xsl:if>
      </p>
    </xsl:otherwise>
  </xsl:choose>
  <xsl:if test="$pl/@role = 'owner' or $pl/@role = 'collaborator'">
    <xsl:apply-templates select="$pl" mode="playlist-manage"/>
  </xsl:if>
</xsl:template>

<xsl:template match="playlist" mode="playlist-hero">
  <xsl:variable name="tint"><xsl:call-template name="tint-class"><xsl:with-param name="id" select="@id"/></xsl:call-template></xsl:variable>
  <div class="hero {$tint}">
    <div class="hero-art">
      <xsl:choose>
        <xsl:when test="count(covers/cover) &gt;= 4">
          <span class="pl-mosaic" role="img" aria-label="{concat('Cover of ', normalize-space(name))}">
            <xsl:for-each select="covers/cover[position() &lt;= 4]">
              <img class="art" src="{normalize-space(.)}" alt="" width="240" height="240" decoding="async"/>
            </xsl:for-each>
          </span>
        </xsl:when>
        <xsl:when test="covers/cover">
          <img class="art" src="{normalize-space(covers/cover[1])}" alt="{concat('Cover of ', normalize-space(name))}"
               width="480" height="480" decoding="async"/>
        </xsl:when>
        <xsl:otherwise>
          <xsl:call-template name="placeholder">
            <xsl:with-param name="id" select="@id"/>
            <xsl:with-param name="name" select="name"/>
          </xsl:call-template>
        </xsl:otherwise>
      </xsl:choose>
    </div>
    <div class="hero-text">
      <p class="kicker">
        <xsl:choose>
          <xsl:when test="@role = 'shared'">Shared playlist</xsl:when>
          <xsl:when test="@collaborative = '1'">Collaborative playlist</xsl:when>
          <xsl:when test="@public = '1'">Public playlist</xsl:when>
          <xsl:otherwise>Private playlist</xsl:otherwise>
        </xsl:choose>
      </p>
      <h1><xsl:if test="string-length(name) &gt; 40"><xsl:attribute name="class">is-long</xsl:attribute></xsl:if><xsl:value-of select="name"/></h1>
      <xsl:if test="normalize-space(description) != ''">
        <p class="pl-description"><xsl:value-of select="description"/></p>
      </xsl:if>
      <p class="hero-meta">
        <span class="pl-owner">By <xsl:value-of select="owner"/></span>
        <xsl:text> · </xsl:text>
        <span class="pl-count">
          <xsl:call-template name="count">
            <xsl:with-param name="n" select="count"/>
            <xsl:with-param name="one" select="'song'"/>
            <xsl:with-param name="many" select="'songs'"/>
          </xsl:call-template>
        </span>
        <xsl:if test="number(count) &gt; 0">
          <xsl:text> · </xsl:text><xsl:apply-templates select="total" mode="time"/>
        </xsl:if>
      </p>
    </div>
  </div>
</xsl:template>

<xsl:template match="track" mode="playlist">
  <xsl:param name="edit" select="false()"/>
  <xsl:variable name="pl" select="/page/content/playlist"/>
  <xsl:variable name="title" select="normalize-space(title)"/>
  <tr class="track-row" data-position="{@position}">
    <xsl:call-template name="track-data">
      <xsl:with-param name="id" select="@id"/>
      <xsl:with-param name="title" select="title"/>
      <xsl:with-param name="artist">
        <xsl:choose>
          <xsl:when test="artists/artist"><xsl:for-each select="artists"><xsl:call-template name="artist-names"/></xsl:for-each></xsl:when>
          <xsl:otherwise><xsl:value-of select="album-artist"/></xsl:otherwise>
        </xsl:choose>
      </xsl:with-param>
      <xsl:with-param name="album" select="album"/>
      <xsl:with-param name="album-id" select="album/@id"/>
      <xsl:with-param name="cover" select="cover"/>
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
      <span class="track-by">
        <xsl:choose>
          <xsl:when test="artists/artist"><xsl:for-each select="artists"><xsl:call-template name="artist-links"/></xsl:for-each></xsl:when>
          <xsl:otherwise><a href="/artist/{album-artist/@id}"><xsl:value-of select="album-artist"/></a></xsl:otherwise>
        </xsl:choose>
      </span>
    </th>
    <td class="col-album"><a href="/album/{album/@id}"><xsl:value-of select="album"/></a></td>
    <td class="col-time">
      <xsl:call-template name="row-more"><xsl:with-param name="title" select="title"/></xsl:call-template>
      <xsl:apply-templates select="duration" mode="time"/>
    </td>
    <xsl:if test="$edit">
      <td class="col-edit">
        <span class="pl-grip" aria-hidden="true" title="Drag to reorder" data-js="">
          <xsl:call-template name="pl-icon"><xsl:with-param name="id" select="'grip'"/></xsl:call-template>
        </span>
        <!-- The buttons belong to the one form above the table (form="pl-rows"): each says
             what it does (name="move" value="FROM:TO", or formaction and position), which
             keeps a 10,000-song playlist's pages light.  No script needed. -->
        <xsl:choose>
          <xsl:when test="@position &gt; 0">
            <button type="submit" form="pl-rows" name="move" value="{@position}:{@position - 1}" class="pbtn pbtn-small"
                    data-pl="up" aria-label="{concat('Move ', $title, ' up')}">
              <xsl:call-template name="pl-icon"><xsl:with-param name="id" select="'up'"/></xsl:call-template>
            </button>
          </xsl:when>
          <xsl:otherwise><span class="pl-slot"></span></xsl:otherwise>
        </xsl:choose>
        <xsl:choose>
          <xsl:when test="@position &lt; /page/content/items/@last">
            <button type="submit" form="pl-rows" name="move" value="{@position}:{@position + 1}" class="pbtn pbtn-small"
                    data-pl="down" aria-label="{concat('Move ', $title, ' down')}">
              <xsl:call-template name="pl-icon"><xsl:with-param name="id" select="'down'"/></xsl:call-template>
            </button>
          </xsl:when>
          <xsl:otherwise><span class="pl-slot"></span></xsl:otherwise>
        </xsl:choose>
        <button type="submit" form="pl-rows" formaction="/playlist/{$pl/@id}/items/remove" name="position"
                value="{@position}" class="pbtn pbtn-small" data-pl="remove"
                aria-label="{concat('Remove ', $title, ' from the playlist')}">
          <xsl:call-template name="pl-icon"><xsl:with-param name="id" select="'close'"/></xsl:call-template>
        </button>
      </td>
    </xsl:if>
  </tr>
</xsl:template>

<xsl:template name="pl-icon">
  <xsl:param name="id"/>
  <svg class="i" aria-hidden="true" focusable="false"><use href="#pl-i-{$id}"/></svg>
</xsl:template>

<xsl:template name="pl-button-form">
  <xsl:param name="action"/>
  <xsl:param name="text"/>
  <xsl:param name="class" select="'button button-quiet'"/>
  <form method="post" action="{$action}" class="pl-inline-form">
    <xsl:call-template name="csrf-field"/>
    <button type="submit" class="{$class}"><xsl:value-of select="$text"/></button>
  </form>
</xsl:template>

<xsl:template match="items" mode="playlist-pager">
  <xsl:variable name="base" select="/page/content/playlist/@base"/>
  <xsl:if test="number(@pages) &gt; 1">
    <nav class="pager" aria-label="Pages">
      <xsl:choose>
        <xsl:when test="number(@page) &gt; 1">
          <a class="button button-quiet" rel="prev" href="{$base}?page={@page - 1}"><span aria-hidden="true">← </span>Previous</a>
        </xsl:when>
        <xsl:otherwise><span class="button button-quiet is-off">Previous</span></xsl:otherwise>
      </xsl:choose>
      <span class="pager-where">Page <xsl:value-of select="@page"/> of <xsl:value-of select="@pages"/></span>
      <xsl:choose>
        <xsl:when test="number(@page) &lt; number(@pages)">
          <a class="button button-quiet" rel="next" href="{$base}?page={@page + 1}">Next<span aria-hidden="true"> →</span></a>
        </xsl:when>
        <xsl:otherwise><span class="button button-quiet is-off">Next</span></xsl:otherwise>
      </xsl:choose>
    </nav>
  </xsl:if>
</xsl:template>

<!-- Details, people, share link and history: owner and collaborators only. -->
<xsl:template match="playlist" mode="playlist-manage">
  <xsl:variable name="owner" select="@role = 'owner'"/>
  <div class="pl-manage">
    <xsl:if test="@editable = '1'">
      <section class="acct-card pl-card" aria-labelledby="pl-details-title">
        <h2 id="pl-details-title">Details</h2>
        <form class="form" method="post" action="/playlist/{@id}/edit">
          <xsl:call-template name="csrf-field"/>
          <input type="hidden" name="version" value="{@version}"/>
          <div class="field">
            <label for="pl-name">Name</label>
            <input id="pl-name" name="name" type="text" maxlength="100" required="required" value="{name}"/>
          </div>
          <div class="field">
            <label for="pl-description">Description</label>
            <textarea id="pl-description" name="description" maxlength="300" rows="3"><xsl:value-of select="description"/></textarea>
          </div>
          <xsl:if test="$owner">
            <div class="field pl-check">
              <input id="pl-public" name="public" type="checkbox" value="1">
                <xsl:if test="@public = '1'"><xsl:attribute name="checked">checked</xsl:attribute></xsl:if>
              </input>
              <label for="pl-public">Public: anyone can find, open and follow it</label>
            </div>
            <div class="field pl-check">
              <input id="pl-collaborative" name="collaborative" type="checkbox" value="1">
                <xsl:if test="@collaborative = '1'"><xsl:attribute name="checked">checked</xsl:attribute></xsl:if>
              </input>
              <label for="pl-collaborative">Collaborative: the people you invite can add, move and remove songs</label>
            </div>
          </xsl:if>
          <p class="acct-actions"><button type="submit" class="button">Save details</button></p>
        </form>
      </section>
    </xsl:if>

    <section class="acct-card pl-card" aria-labelledby="pl-people-title">
      <h2 id="pl-people-title">People</h2>
      <p>Owner: <strong><xsl:value-of select="owner"/></strong></p>
      <xsl:choose>
        <xsl:when test="collaborators/user">
          <ul class="pl-people">
            <xsl:for-each select="collaborators/user">
              <li>
                <span><xsl:value-of select="."/></span>
                <xsl:if test="$owner">
                  <form method="post" action="/playlist/{../../@id}/collaborators/remove" class="pl-inline-form">
                    <xsl:call-template name="csrf-field"/>
                    <input type="hidden" name="user_id" value="{@id}"/>
                    <button type="submit" class="button button-quiet button-small" aria-label="{concat('Remove ', normalize-space(.), ' as collaborator')}">Remove</button>
                  </form>
                </xsl:if>
              </li>
            </xsl:for-each>
          </ul>
        </xsl:when>
        <xsl:otherwise><p class="muted">No collaborators yet.</p></xsl:otherwise>
      </xsl:choose>
      <xsl:if test="$owner">
        <form class="form pl-invite" method="post" action="/playlist/{@id}/collaborators">
          <xsl:call-template name="csrf-field"/>
          <div class="field">
            <label for="pl-invite">Invite by user name</label>
            <input id="pl-invite" name="username" type="text" required="required" maxlength="32"
                   autocomplete="off" spellcheck="false"/>
          </div>
          <p class="acct-actions"><button type="submit" class="button button-quiet">Invite</button></p>
        </form>
      </xsl:if>
    </section>

    <xsl:if test="$owner">
      <section class="acct-card pl-card" aria-labelledby="pl-cover-title">
        <h2 id="pl-cover-title">Cover</h2>
        <xsl:choose>
          <xsl:when test="covers/@uploaded = '1'">
            <p>Your own picture is the cover. Remove it to go back to the mosaic of album covers.</p>
          </xsl:when>
          <xsl:otherwise>
            <p>The cover is made of the first album covers in the playlist, unless you upload a picture.</p>
          </xsl:otherwise>
        </xsl:choose>
        <form class="form pl-cover-form" method="post" action="/playlist/{@id}/cover" enctype="multipart/form-data"
              data-pl="cover">
          <xsl:call-template name="csrf-field"/>
          <div class="field">
            <label for="pl-cover">Picture (JPEG, PNG or WebP, up to 4 MB)</label>
            <input id="pl-cover" name="cover" type="file" required="required"
                   accept="image/jpeg,image/png,image/webp" aria-describedby="pl-cover-status"/>
          </div>
          <p class="pl-cover-status" id="pl-cover-status" role="status"></p>
          <p class="acct-actions"><button type="submit" class="button button-quiet">Upload cover</button></p>
        </form>
        <xsl:if test="covers/@uploaded = '1'">
          <xsl:call-template name="pl-button-form">
            <xsl:with-param name="action" select="concat('/playlist/', @id, '/cover/remove')"/>
            <xsl:with-param name="text" select="'Remove cover'"/>
          </xsl:call-template>
        </xsl:if>
      </section>

      <section class="acct-card pl-card" aria-labelledby="pl-share-title">
        <h2 id="pl-share-title">Share link</h2>
        <p>Anyone with this link can listen to the playlist, without an account, but cannot change it.</p>
        <p class="pl-share"><a href="{share}" data-hx-boost="false" data-pl="share"><xsl:value-of select="share"/></a></p>
      </section>
    </xsl:if>

    <section class="acct-card pl-card" aria-labelledby="pl-log-title">
      <h2 id="pl-log-title">Recent changes</h2>
      <xsl:choose>
        <xsl:when test="edits/edit">
          <ol class="pl-log">
            <xsl:for-each select="edits/edit">
              <li>
                <strong><xsl:value-of select="user"/></strong>
                <xsl:text> </xsl:text>
                <xsl:choose>
                  <xsl:when test="@action = 'add'">added</xsl:when>
                  <xsl:when test="@action = 'remove'">removed</xsl:when>
                  <xsl:when test="@action = 'move'">moved</xsl:when>
                  <xsl:when test="@action = 'details'">changed the details:</xsl:when>
                  <xsl:when test="@action = 'invite'">invited</xsl:when>
                  <xsl:when test="@action = 'uninvite'">removed collaborator</xsl:when>
                  <xsl:when test="@action = 'import'">imported</xsl:when>
                  <xsl:when test="@action = 'cover'">changed the cover</xsl:when>
                  <xsl:otherwise><xsl:value-of select="@action"/></xsl:otherwise>
                </xsl:choose>
                <xsl:if test="track">
                  <xsl:text> </xsl:text><a href="/track/{track/@id}"><xsl:value-of select="track"/></a>
                </xsl:if>
                <xsl:if test="normalize-space(detail) != ''">
                  <xsl:text> </xsl:text><span class="muted">(<xsl:value-of select="detail"/>)</span>
                </xsl:if>
                <xsl:text> · </xsl:text>
                <time datetime="{@at}" class="muted"><xsl:value-of select="when"/></time>
              </li>
            </xsl:for-each>
          </ol>
        </xsl:when>
        <xsl:otherwise><p class="muted">No changes yet.</p></xsl:otherwise>
      </xsl:choose>
    </section>

    <xsl:if test="$owner">
      <section class="acct-card acct-card-danger pl-card" aria-labelledby="pl-delete-title">
        <h2 id="pl-delete-title">Delete playlist</h2>
        <p>The songs stay in the catalog; the playlist, its share link and its history are gone for everybody.</p>
        <form method="post" action="/playlist/{@id}/delete" class="pl-inline-form" data-pl="delete">
          <xsl:call-template name="csrf-field"/>
          <button type="submit" class="button acct-danger">Delete this playlist</button>
        </form>
      </section>
    </xsl:if>
  </div>
</xsl:template>

</xsl:stylesheet>
