<?xml version="1.0" encoding="UTF-8"?>
<!-- import.xsl: playlist import (cgi/playlists/transfer.c), one page
     template "import" with two shapes:

       <import-form max-bytes="65536" max-entries="10000">
         <name>…</name> <error>…</error>                 (both optional)
       </import-form>
       <import-report entries="12" matched="10">
         <playlist id="7"><name>…</name></playlist>      (no id: nothing matched, none made)
         <rule name="link|path|mbid|fuzzy" count="3"/>…
         <unmatched count="2"><line no="4">…</line>…</unmatched>
       </import-report>

     The form is multipart: lib/http puts its plain fields (the csrf field
     among them) into the form lib/app checks; lyre.js also sends the token
     as X-CSRF-Token on boosted requests.  Other templates here are in mode "import". -->
<xsl:stylesheet version="1.0" xmlns:xsl="http://www.w3.org/1999/XSL/Transform">

<xsl:template match="page[@template='import']/content" mode="content">
  <xsl:apply-templates select="import-form | import-report" mode="import"/>
</xsl:template>

<xsl:template match="import-form" mode="import">
  <section class="import">
    <h1>Import a playlist</h1>
    <p class="import-lead">
      <xsl:text>Choose an M3U, M3U8 or XSPF file (up to </xsl:text>
      <xsl:value-of select="format-number(@max-bytes div 1024, '#,##0')"/>
      <xsl:text> KiB, </xsl:text>
      <xsl:value-of select="format-number(@max-entries, '#,##0')"/>
      <xsl:text> entries). Each line is matched to the catalog by file path, MusicBrainz id or artist and title; you will see what did not match.</xsl:text>
    </p>
    <xsl:if test="error">
      <p class="form-error" id="form-error" role="alert"><xsl:value-of select="error"/></p>
    </xsl:if>
    <form class="form" method="post" enctype="multipart/form-data" data-hx-push-url="false"
          action="/playlists/import">
      <xsl:call-template name="csrf-field"/>
      <div class="field">
        <label for="f-import-file">Playlist file</label>
        <input id="f-import-file" name="file" type="file" required="required"
               accept=".m3u,.m3u8,.xspf,audio/x-mpegurl,application/xspf+xml">
          <xsl:if test="error"><xsl:attribute name="aria-describedby">form-error</xsl:attribute></xsl:if>
        </input>
      </div>
      <div class="field">
        <label for="f-import-name">Playlist name</label>
        <input id="f-import-name" name="name" type="text" maxlength="100" value="{name}"
               aria-describedby="f-import-name-hint"/>
        <p class="field-hint" id="f-import-name-hint">Leave empty to use the file's title or name.</p>
      </div>
      <button type="submit" class="button">Import</button>
    </form>
  </section>
</xsl:template>

<xsl:template match="import-report" mode="import">
  <section class="import">
    <h1>Import report</h1>
    <xsl:choose>
      <xsl:when test="playlist/@id">
        <p class="import-lead">
          <xsl:value-of select="@matched"/>
          <xsl:text> of </xsl:text>
          <xsl:value-of select="@entries"/>
          <xsl:text> entries are now in </xsl:text>
          <a href="/playlist/{playlist/@id}"><xsl:value-of select="playlist/name"/></a>
          <xsl:text>.</xsl:text>
        </p>
      </xsl:when>
      <xsl:otherwise>
        <p class="form-error" role="alert">
          <xsl:text>None of the </xsl:text>
          <xsl:value-of select="@entries"/>
          <xsl:text> entries matched a track of the catalog, so no playlist was made.</xsl:text>
        </p>
      </xsl:otherwise>
    </xsl:choose>
    <table class="import-rules">
      <caption>Matched by</caption>
      <tbody>
        <xsl:for-each select="rule">
          <tr data-rule="{@name}">
            <th scope="row">
              <xsl:choose>
                <xsl:when test="@name = 'link'">Link to this site</xsl:when>
                <xsl:when test="@name = 'path'">File path</xsl:when>
                <xsl:when test="@name = 'mbid'">MusicBrainz id</xsl:when>
                <xsl:when test="@name = 'fuzzy'">Artist and title</xsl:when>
                <xsl:otherwise><xsl:value-of select="@name"/></xsl:otherwise>
              </xsl:choose>
            </th>
            <td><xsl:value-of select="@count"/></td>
          </tr>
        </xsl:for-each>
        <tr data-rule="none"><th scope="row">Not matched</th><td><xsl:value-of select="unmatched/@count"/></td></tr>
      </tbody>
    </table>
    <xsl:if test="unmatched/line">
      <h2>Not matched</h2>
      <ol class="import-unmatched">
        <xsl:for-each select="unmatched/line">
          <li><span class="import-line-no">line <xsl:value-of select="@no"/>: </span><xsl:value-of select="."/></li>
        </xsl:for-each>
      </ol>
      <xsl:if test="count(unmatched/line) &lt; unmatched/@count">
        <p class="import-more">… and <xsl:value-of select="unmatched/@count - count(unmatched/line)"/> more.</p>
      </xsl:if>
    </xsl:if>
    <p><a class="button button-quiet" href="/playlists/import">Import another file</a></p>
  </section>
</xsl:template>

</xsl:stylesheet>
