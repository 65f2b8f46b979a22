<?xml version="1.0" encoding="UTF-8"?>
<!-- apps.xsl — /account/apps (cgi/login/account_apps.c): app passwords and API keys for
     phone and desktop apps (the Subsonic API at /rest/).  The page is the account frame
     (account.xsl) with section "apps", which calls the template "account-apps" here. -->
<xsl:stylesheet version="1.0" xmlns:xsl="http://www.w3.org/1999/XSL/Transform">


<xsl:template name="account-apps">
  <xsl:variable name="apps" select="apps"/>
  <xsl:if test="$apps/made">
    <section class="acct-card acct-apps-made" aria-labelledby="acct-apps-made" tabindex="-1">
      <h2 id="acct-apps-made">
        <xsl:choose>
          <xsl:when test="$apps/made/@kind = 'apikey'">Your new API key</xsl:when>
          <xsl:otherwise>Your new app password</xsl:otherwise>
        </xsl:choose>
      </h2>
      <p class="acct-lead">Copy it into <strong><xsl:value-of select="$apps/made/name"/></strong> now:
         it is shown only this once. If you lose it, revoke it and make another.</p>
      <p><code class="acct-secret" id="app-secret"><xsl:value-of select="$apps/made/secret"/></code></p>
    </section>
  </xsl:if>

  <section class="acct-card" aria-labelledby="acct-apps-connect">
    <h2 id="acct-apps-connect">Listen in other apps</h2>
    <p class="acct-lead">Apps that speak the Subsonic API (DSub, Symfonium, Ultrasonic, Feishin,
       Supersonic, play:Sub and others) can play your library. In the app, add a server with:</p>
    <dl class="acct-apps-settings">
      <dt>Server address</dt><dd><code><xsl:value-of select="$apps/server"/></code></dd>
      <dt>User name</dt><dd><code><xsl:value-of select="$apps/username"/></code></dd>
      <dt>Password</dt><dd>an app password from this page, never your account password</dd>
    </dl>
    <p class="acct-lead">Apps that support OpenSubsonic API keys need only the server address and a key.</p>
  </section>

  <section class="acct-card" aria-labelledby="acct-apps-new">
    <h2 id="acct-apps-new">Make an app password or API key</h2>
    <form method="post" action="/account/apps" class="acct-form" data-hx-boost="false">
      <xsl:call-template name="csrf-field"/>
      <xsl:call-template name="account-field">
        <xsl:with-param name="id" select="'app-name'"/>
        <xsl:with-param name="name" select="'name'"/>
        <xsl:with-param name="label" select="'Name'"/>
        <xsl:with-param name="maxlength" select="'64'"/>
        <xsl:with-param name="hint" select="'The app or device it is for, such as “Symfonium on my phone”.'"/>
      </xsl:call-template>
      <fieldset class="field">
        <legend>Kind</legend>
        <label><input type="radio" name="kind" value="password" checked="checked"/> App password (works with every app)</label>
        <label><input type="radio" name="kind" value="apikey"/> API key (OpenSubsonic apps)</label>
      </fieldset>
      <button type="submit" class="button">Make it</button>
    </form>
  </section>

  <section class="acct-card" aria-labelledby="acct-apps-list">
    <h2 id="acct-apps-list">Yours</h2>
    <xsl:choose>
      <xsl:when test="not($apps/app)">
        <p class="acct-lead">None yet. Apps cannot sign in until you make one.</p>
      </xsl:when>
      <xsl:otherwise>
        <ul class="acct-sessions acct-apps">
          <xsl:for-each select="$apps/app">
            <li class="acct-session">
              <div class="acct-session-text">
                <p class="acct-session-device">
                  <xsl:value-of select="name"/>
                  <xsl:text> </xsl:text>
                  <span class="acct-badge">
                    <xsl:choose>
                      <xsl:when test="@kind = 'apikey'">API key</xsl:when>
                      <xsl:otherwise>App password</xsl:otherwise>
                    </xsl:choose>
                  </span>
                </p>
                <p class="acct-session-meta">
                  <xsl:text>made </xsl:text>
                  <xsl:call-template name="account-date"><xsl:with-param name="when" select="created"/></xsl:call-template>
                  <xsl:text> · </xsl:text>
                  <xsl:choose>
                    <xsl:when test="last-used">
                      <xsl:text>last used </xsl:text>
                      <xsl:call-template name="account-date"><xsl:with-param name="when" select="last-used"/></xsl:call-template>
                      <xsl:if test="string(client) != ''">
                        <xsl:text> by </xsl:text><xsl:value-of select="client"/>
                      </xsl:if>
                    </xsl:when>
                    <xsl:otherwise>never used</xsl:otherwise>
                  </xsl:choose>
                </p>
              </div>
              <xsl:call-template name="account-button-form">
                <xsl:with-param name="action" select="concat('/account/apps/', @id, '/revoke')"/>
                <xsl:with-param name="label" select="'Revoke'"/>
                <xsl:with-param name="aria-label" select="concat('Revoke ', name)"/>
                <xsl:with-param name="boost" select="false()"/>
              </xsl:call-template>
            </li>
          </xsl:for-each>
        </ul>
      </xsl:otherwise>
    </xsl:choose>
  </section>
</xsl:template>

</xsl:stylesheet>
