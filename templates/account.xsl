<?xml version="1.0" encoding="UTF-8"?>
<!-- account.xsl: the signed-in account pages of cgi/lyre-login (cgi/login/account*.c).
     Every page is <account section="..."> with the user's summary in <user>, an optional
     <notice>, form mistakes in <errors><error for="INPUT-ID"> and what was typed in
     <typed name="FIELD"> (never a password).  Sections: profile, password, email,
     sessions, mfa, mfa-setup, mfa-codes, delete.  Every form carries the CSRF field. -->
<xsl:stylesheet version="1.0" xmlns:xsl="http://www.w3.org/1999/XSL/Transform">

<xsl:template match="page[@template='account']/content" mode="content">
  <xsl:apply-templates select="account" mode="account"/>
</xsl:template>

<xsl:template match="account" mode="account">
  <div class="acct">
    <header class="page-head acct-head">
      <p class="kicker">Your account</p>
      <h1><xsl:value-of select="/page/meta/title"/></h1>
    </header>
    <div class="acct-layout">
      <nav class="acct-nav" aria-label="Account">
        <ul>
          <xsl:call-template name="account-nav-item">
            <xsl:with-param name="href" select="'/account'"/>
            <xsl:with-param name="label" select="'Profile'"/>
            <xsl:with-param name="here" select="@section = 'profile'"/>
          </xsl:call-template>
          <xsl:call-template name="account-nav-item">
            <xsl:with-param name="href" select="'/account/password'"/>
            <xsl:with-param name="label" select="'Password'"/>
            <xsl:with-param name="here" select="@section = 'password'"/>
          </xsl:call-template>
          <xsl:call-template name="account-nav-item">
            <xsl:with-param name="href" select="'/account/email'"/>
            <xsl:with-param name="label" select="'Email'"/>
            <xsl:with-param name="here" select="@section = 'email'"/>
          </xsl:call-template>
          <xsl:call-template name="account-nav-item">
            <xsl:with-param name="href" select="'/account/sessions'"/>
            <xsl:with-param name="label" select="'Sessions'"/>
            <xsl:with-param name="here" select="@section = 'sessions'"/>
          </xsl:call-template>
          <xsl:call-template name="account-nav-item">
            <xsl:with-param name="href" select="'/account/mfa'"/>
            <xsl:with-param name="label" select="'Two-factor'"/>
            <xsl:with-param name="here" select="starts-with(@section, 'mfa')"/>
          </xsl:call-template>
          <xsl:call-template name="account-nav-item">
            <xsl:with-param name="href" select="'/account/apps'"/>
            <xsl:with-param name="label" select="'Apps'"/>
            <xsl:with-param name="here" select="@section = 'apps'"/>
          </xsl:call-template>
          <xsl:call-template name="account-nav-item">
            <xsl:with-param name="href" select="'/billing'"/>
            <xsl:with-param name="label" select="'Subscription'"/>
          </xsl:call-template>
          <xsl:call-template name="account-nav-item">
            <xsl:with-param name="href" select="'/account#data'"/>
            <xsl:with-param name="label" select="'Your data'"/>
          </xsl:call-template>
          <xsl:call-template name="account-nav-item">
            <xsl:with-param name="href" select="'/account/delete'"/>
            <xsl:with-param name="label" select="'Delete'"/>
            <xsl:with-param name="here" select="@section = 'delete'"/>
          </xsl:call-template>
        </ul>
      </nav>
      <div class="acct-body">
        <xsl:if test="notice">
          <p class="form-notice acct-notice" role="status"><xsl:value-of select="notice"/></p>
        </xsl:if>
        <xsl:if test="errors/error">
          <div class="form-error acct-alert" role="alert">
            <svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 24 24" aria-hidden="true" focusable="false">
              <path d="M12 3a9 9 0 1 0 0 18 9 9 0 0 0 0-18zM12 7.5V13M12 16.3v.1"/>
            </svg>
            <div>
            <h2>
              <xsl:choose>
                <xsl:when test="count(errors/error) = 1">There is a problem</xsl:when>
                <xsl:otherwise>There are <xsl:value-of select="count(errors/error)"/> problems</xsl:otherwise>
              </xsl:choose>
            </h2>
            <ul>
              <xsl:for-each select="errors/error">
                <li><a href="#{@for}"><xsl:value-of select="."/></a></li>
              </xsl:for-each>
            </ul>
            </div>
          </div>
        </xsl:if>
        <xsl:choose>
          <xsl:when test="@section = 'profile'"><xsl:call-template name="account-profile"/></xsl:when>
          <xsl:when test="@section = 'password'"><xsl:call-template name="account-password"/></xsl:when>
          <xsl:when test="@section = 'email'"><xsl:call-template name="account-email"/></xsl:when>
          <xsl:when test="@section = 'sessions'"><xsl:call-template name="account-sessions"/></xsl:when>
          <xsl:when test="@section = 'mfa'"><xsl:call-template name="account-mfa"/></xsl:when>
          <xsl:when test="@section = 'mfa-setup'"><xsl:call-template name="account-mfa-setup"/></xsl:when>
          <xsl:when test="@section = 'mfa-codes'"><xsl:call-template name="account-mfa-codes"/></xsl:when>
          <xsl:when test="@section = 'delete'"><xsl:call-template name="account-delete"/></xsl:when>
          <xsl:when test="@section = 'apps'"><xsl:call-template name="account-apps"/></xsl:when>
        </xsl:choose>
      </div>
    </div>
  </div>
</xsl:template>

<xsl:template name="account-nav-item">
  <xsl:param name="href"/>
  <xsl:param name="label"/>
  <xsl:param name="here" select="false()"/>
  <li>
    <a href="{$href}">
      <xsl:if test="$here"><xsl:attribute name="aria-current">page</xsl:attribute></xsl:if>
      <xsl:value-of select="$label"/>
    </a>
  </li>
</xsl:template>

<!-- One labelled input with its hint and its mistake, tied together by
     aria-describedby; a password field never gets its value back. -->
<xsl:template name="account-field">
  <xsl:param name="id"/>
  <xsl:param name="name" select="$id"/>
  <xsl:param name="label"/>
  <xsl:param name="type" select="'text'"/>
  <xsl:param name="autocomplete" select="'off'"/>
  <xsl:param name="value" select="''"/>
  <xsl:param name="hint" select="''"/>
  <xsl:param name="required" select="true()"/>
  <xsl:param name="maxlength" select="''"/>
  <xsl:param name="inputmode" select="''"/>
  <xsl:param name="pattern" select="''"/>
  <xsl:param name="class" select="''"/>
  <xsl:variable name="acct" select="/page/content/account"/>
  <xsl:variable name="error" select="$acct/errors/error[@for = $id][1]"/>
  <xsl:variable name="typed" select="$acct/typed[@name = $name]"/>
  <div class="field">
    <xsl:if test="$error"><xsl:attribute name="class">field is-invalid</xsl:attribute></xsl:if>
    <label for="{$id}"><xsl:value-of select="$label"/></label>
    <input id="{$id}" name="{$name}" type="{$type}" autocomplete="{$autocomplete}">
      <xsl:if test="$class != ''"><xsl:attribute name="class"><xsl:value-of select="$class"/></xsl:attribute></xsl:if>
      <xsl:if test="$type != 'password'">
        <xsl:choose>
          <xsl:when test="$typed"><xsl:attribute name="value"><xsl:value-of select="$typed"/></xsl:attribute></xsl:when>
          <xsl:when test="string($value) != ''"><xsl:attribute name="value"><xsl:value-of select="$value"/></xsl:attribute></xsl:when>
        </xsl:choose>
      </xsl:if>
      <!-- aria-required, not required: libxml2 writes required="required", which is not
           the attribute style the site's HTML checks want, and the server says what is
           missing anyway. -->
      <xsl:if test="$required"><xsl:attribute name="aria-required">true</xsl:attribute></xsl:if>
      <xsl:if test="$maxlength != ''"><xsl:attribute name="maxlength"><xsl:value-of select="$maxlength"/></xsl:attribute></xsl:if>
      <xsl:if test="$inputmode != ''"><xsl:attribute name="inputmode"><xsl:value-of select="$inputmode"/></xsl:attribute></xsl:if>
      <xsl:if test="$pattern != ''"><xsl:attribute name="pattern"><xsl:value-of select="$pattern"/></xsl:attribute></xsl:if>
      <xsl:if test="$type = 'email' or $type = 'password' or $inputmode = 'numeric'">
        <xsl:attribute name="autocapitalize">none</xsl:attribute>
        <xsl:attribute name="spellcheck">false</xsl:attribute>
      </xsl:if>
      <xsl:if test="$error"><xsl:attribute name="aria-invalid">true</xsl:attribute></xsl:if>
      <xsl:if test="$error or $hint != ''">
        <xsl:attribute name="aria-describedby">
          <xsl:if test="$error"><xsl:value-of select="concat($id, '-error')"/></xsl:if>
          <xsl:if test="$error and $hint != ''"><xsl:text> </xsl:text></xsl:if>
          <xsl:if test="$hint != ''"><xsl:value-of select="concat($id, '-hint')"/></xsl:if>
        </xsl:attribute>
      </xsl:if>
    </input>
    <xsl:if test="$error">
      <p class="field-error" id="{$id}-error"><xsl:value-of select="$error"/></p>
    </xsl:if>
    <xsl:if test="$hint != ''">
      <p class="field-hint" id="{$id}-hint"><xsl:value-of select="$hint"/></p>
    </xsl:if>
  </div>
</xsl:template>

<!-- For password managers: which account a password form is about (out of sight and of
     the tab order; a hidden attribute would be written hidden="hidden"). -->
<xsl:template name="account-username-hint">
  <input type="text" name="username" autocomplete="username" value="{/page/content/account/user/username}"
         class="visually-hidden" readonly="readonly" tabindex="-1" aria-hidden="true"/>
</xsl:template>

<!-- "2026-11-25 ..." as "25 November 2026" (words wrap where a date with hyphens would break). -->
<xsl:template name="account-date">
  <xsl:param name="when"/>
  <xsl:variable name="months" select="'January  February March    April    May      June     July     August   SeptemberOctober  November December '"/>
  <xsl:variable name="m" select="number(substring($when, 6, 2))"/>
  <time datetime="{substring($when, 1, 10)}">
    <xsl:choose>
      <xsl:when test="$m &gt;= 1 and $m &lt;= 12">
        <xsl:value-of select="concat(number(substring($when, 9, 2)), ' ',
            normalize-space(substring($months, ($m - 1) * 9 + 1, 9)), ' ', substring($when, 1, 4))"/>
      </xsl:when>
      <xsl:otherwise><xsl:value-of select="substring($when, 1, 10)"/></xsl:otherwise>
    </xsl:choose>
  </time>
</xsl:template>

<!-- A button alone in a form (sign out, resend). -->
<xsl:template name="account-button-form">
  <xsl:param name="action"/>
  <xsl:param name="label"/>
  <xsl:param name="class" select="'button button-quiet button-small'"/>
  <xsl:param name="aria-label" select="''"/>
  <xsl:param name="boost" select="true()"/>
  <form method="post" action="{$action}" class="acct-inline-form">
    <xsl:if test="not($boost)"><xsl:attribute name="data-hx-boost">false</xsl:attribute></xsl:if>
    <xsl:call-template name="csrf-field"/>
    <button type="submit" class="{$class}">
      <xsl:if test="$aria-label != ''"><xsl:attribute name="aria-label"><xsl:value-of select="$aria-label"/></xsl:attribute></xsl:if>
      <xsl:value-of select="$label"/>
    </button>
  </form>
</xsl:template>

<xsl:template name="account-no-password">
  <xsl:param name="what"/>
  <div class="acct-card">
    <p>Your account signs in through another service and has no password yet.
       <xsl:value-of select="$what"/> needs one, so that it can ask for it.</p>
    <p class="acct-actions">
      <a class="button" href="/reset">Get a link to set a password</a>
    </p>
  </div>
</xsl:template>

<!-- ===== profile ===== -->

<xsl:template name="account-profile">
  <xsl:variable name="user" select="user"/>
  <section class="acct-card" aria-labelledby="acct-about">
    <h2 id="acct-about">About you</h2>
    <dl class="acct-facts">
      <div><dt>Username</dt><dd><xsl:value-of select="$user/username"/></dd></div>
      <div>
        <dt>Email</dt>
        <dd>
          <xsl:choose>
            <xsl:when test="string($user/email) = ''"><span class="muted">None</span></xsl:when>
            <xsl:otherwise>
              <span class="acct-email"><xsl:value-of select="$user/email"/></span>
              <xsl:text> </xsl:text>
              <xsl:call-template name="account-verified-badge"/>
            </xsl:otherwise>
          </xsl:choose>
          <xsl:text> </xsl:text>
          <a href="/account/email">Change</a>
        </dd>
      </div>
      <div><dt>Role</dt><dd class="acct-role"><xsl:value-of select="$user/role"/></dd></div>
      <div>
        <dt>Member since</dt>
        <dd><xsl:call-template name="account-date"><xsl:with-param name="when" select="$user/created"/></xsl:call-template></dd>
      </div>
      <div>
        <dt>Two-factor</dt>
        <dd>
          <xsl:choose>
            <xsl:when test="$user/two-factor = 'on'">On</xsl:when>
            <xsl:otherwise>Off</xsl:otherwise>
          </xsl:choose>
          <xsl:text> </xsl:text>
          <a href="/account/mfa">Manage</a>
        </dd>
      </div>
    </dl>
    <xsl:call-template name="account-resend"/>
  </section>

  <section class="acct-card" aria-labelledby="acct-profile">
    <h2 id="acct-profile">Profile</h2>
    <form class="form acct-form" method="post" action="/account/profile">
      <xsl:call-template name="csrf-field"/>
      <xsl:call-template name="account-field">
        <xsl:with-param name="id" select="'display_name'"/>
        <xsl:with-param name="label" select="'Display name'"/>
        <xsl:with-param name="autocomplete" select="'nickname'"/>
        <xsl:with-param name="value" select="$user/display-name"/>
        <xsl:with-param name="required" select="false()"/>
        <xsl:with-param name="maxlength" select="100"/>
        <xsl:with-param name="hint" select="'Shown instead of your username. Up to 100 characters; leave it empty to use your username.'"/>
      </xsl:call-template>
      <xsl:variable name="error" select="errors/error[@for = 'country'][1]"/>
      <xsl:variable name="chosen">
        <xsl:choose>
          <xsl:when test="typed[@name = 'country']"><xsl:value-of select="typed[@name = 'country']"/></xsl:when>
          <xsl:otherwise><xsl:value-of select="$user/country/@code"/></xsl:otherwise>
        </xsl:choose>
      </xsl:variable>
      <div class="field">
        <xsl:if test="$error"><xsl:attribute name="class">field is-invalid</xsl:attribute></xsl:if>
        <label for="country">Country</label>
        <select id="country" name="country" autocomplete="country">
          <xsl:attribute name="aria-describedby">
            <xsl:if test="$error">country-error </xsl:if>
            <xsl:text>country-hint</xsl:text>
          </xsl:attribute>
          <xsl:if test="$error"><xsl:attribute name="aria-invalid">true</xsl:attribute></xsl:if>
          <option value="">Not set</option>
          <xsl:for-each select="countries/country">
            <option value="{@code}">
              <xsl:if test="@code = $chosen"><xsl:attribute name="selected">selected</xsl:attribute></xsl:if>
              <xsl:value-of select="."/>
            </option>
          </xsl:for-each>
        </select>
        <xsl:if test="$error"><p class="field-error" id="country-error"><xsl:value-of select="$error"/></p></xsl:if>
        <p class="field-hint" id="country-hint">Decides which music you can play where rights differ by country.</p>
      </div>
      <p class="acct-actions"><button type="submit" class="button">Save profile</button></p>
    </form>
  </section>

  <xsl:if test="providers/provider">
    <section class="acct-card" aria-labelledby="acct-services">
      <h2 id="acct-services">Sign-in services</h2>
      <p>Sign in with another service instead of your password.</p>
      <ul class="acct-services">
        <xsl:for-each select="providers/provider">
          <li>
            <span class="acct-service-name"><xsl:value-of select="@title"/></span>
            <xsl:choose>
              <xsl:when test="@linked = 'yes'">
                <span class="acct-badge acct-badge-ok">Linked</span>
                <xsl:if test="string(@email) != ''"><span class="muted"><xsl:text> </xsl:text><xsl:value-of select="@email"/></span></xsl:if>
              </xsl:when>
              <xsl:otherwise>
                <a class="button button-quiet" href="/auth/{@name}/start?link=1" data-hx-boost="false">Link <xsl:value-of select="@title"/></a>
              </xsl:otherwise>
            </xsl:choose>
          </li>
        </xsl:for-each>
      </ul>
    </section>
  </xsl:if>

  <section class="acct-card" id="data" aria-labelledby="acct-data" tabindex="-1">
    <h2 id="acct-data">Your data</h2>
    <p>Download everything your account holds as one JSON file: your profile, the devices signed
       in, linked sign-in services and what you played. It holds no password or other secret.</p>
    <p class="acct-actions">
      <a class="button button-quiet" href="/account/export" download="lyre-data.json" data-hx-boost="false">Download my data</a>
    </p>
  </section>
</xsl:template>

<xsl:template name="account-verified-badge">
  <xsl:choose>
    <xsl:when test="user/email/@verified = 'yes'"><span class="acct-badge acct-badge-ok">Verified</span></xsl:when>
    <xsl:otherwise><span class="acct-badge acct-badge-warn">Not verified</span></xsl:otherwise>
  </xsl:choose>
</xsl:template>

<xsl:template name="account-resend">
  <xsl:if test="string(user/email) != '' and user/email/@verified != 'yes'">
    <div class="acct-resend">
      <p>Open the link we sent to your address to verify it.</p>
      <xsl:call-template name="account-button-form">
        <xsl:with-param name="action" select="'/verify/resend'"/>
        <xsl:with-param name="label" select="'Resend verification'"/>
      </xsl:call-template>
    </div>
  </xsl:if>
</xsl:template>

<!-- ===== password ===== -->

<xsl:template name="account-password">
  <xsl:choose>
    <xsl:when test="user/has-password != 'yes'">
      <xsl:call-template name="account-no-password"><xsl:with-param name="what" select="'Changing it'"/></xsl:call-template>
    </xsl:when>
    <xsl:otherwise>
      <section class="acct-card" aria-labelledby="acct-pw">
        <h2 id="acct-pw">A new password</h2>
        <p class="acct-lead">Every other device signed in to your account is signed out when the password changes.</p>
        <!-- A real navigation: password managers watch for it to offer saving the new password. -->
        <form class="form acct-form" method="post" action="/account/password" data-hx-boost="false">
          <xsl:call-template name="csrf-field"/>
          <xsl:call-template name="account-username-hint"/>
          <xsl:call-template name="account-field">
            <xsl:with-param name="id" select="'current_password'"/>
            <xsl:with-param name="label" select="'Current password'"/>
            <xsl:with-param name="type" select="'password'"/>
            <xsl:with-param name="autocomplete" select="'current-password'"/>
          </xsl:call-template>
          <xsl:call-template name="account-field">
            <xsl:with-param name="id" select="'new_password'"/>
            <xsl:with-param name="label" select="'New password'"/>
            <xsl:with-param name="type" select="'password'"/>
            <xsl:with-param name="autocomplete" select="'new-password'"/>
            <xsl:with-param name="hint" select="'At least 8 characters. A few unrelated words make a strong one.'"/>
          </xsl:call-template>
          <xsl:call-template name="account-field">
            <xsl:with-param name="id" select="'confirm_password'"/>
            <xsl:with-param name="label" select="'New password again'"/>
            <xsl:with-param name="type" select="'password'"/>
            <xsl:with-param name="autocomplete" select="'new-password'"/>
          </xsl:call-template>
          <p class="acct-actions"><button type="submit" class="button">Change password</button></p>
        </form>
      </section>
    </xsl:otherwise>
  </xsl:choose>
</xsl:template>

<!-- ===== email ===== -->

<xsl:template name="account-email">
  <section class="acct-card" aria-labelledby="acct-email-now">
    <h2 id="acct-email-now">Your address</h2>
    <p>
      <xsl:choose>
        <xsl:when test="string(user/email) = ''"><span class="muted">Your account has no email address.</span></xsl:when>
        <xsl:otherwise>
          <span class="acct-email"><xsl:value-of select="user/email"/></span>
          <xsl:text> </xsl:text>
          <xsl:call-template name="account-verified-badge"/>
        </xsl:otherwise>
      </xsl:choose>
    </p>
    <xsl:if test="pending-email">
      <p class="acct-pending">Waiting for you to open the link we sent to
        <span class="acct-email"><xsl:value-of select="pending-email"/></span>.</p>
    </xsl:if>
    <xsl:call-template name="account-resend"/>
  </section>
  <xsl:choose>
    <xsl:when test="user/has-password != 'yes'">
      <xsl:call-template name="account-no-password"><xsl:with-param name="what" select="'Changing the address'"/></xsl:call-template>
    </xsl:when>
    <xsl:otherwise>
      <section class="acct-card" aria-labelledby="acct-email-new">
        <h2 id="acct-email-new">Change your address</h2>
        <p class="acct-lead">We send a link to the new address; it replaces the old one when you open it.</p>
        <form class="form acct-form" method="post" action="/account/email">
          <xsl:call-template name="csrf-field"/>
          <xsl:call-template name="account-username-hint"/>
          <xsl:call-template name="account-field">
            <xsl:with-param name="id" select="'new_email'"/>
            <xsl:with-param name="label" select="'New email address'"/>
            <xsl:with-param name="type" select="'email'"/>
            <xsl:with-param name="autocomplete" select="'email'"/>
            <xsl:with-param name="inputmode" select="'email'"/>
            <xsl:with-param name="maxlength" select="254"/>
          </xsl:call-template>
          <xsl:call-template name="account-field">
            <xsl:with-param name="id" select="'password'"/>
            <xsl:with-param name="label" select="'Your password'"/>
            <xsl:with-param name="type" select="'password'"/>
            <xsl:with-param name="autocomplete" select="'current-password'"/>
          </xsl:call-template>
          <p class="acct-actions"><button type="submit" class="button">Send the link</button></p>
        </form>
      </section>
    </xsl:otherwise>
  </xsl:choose>
</xsl:template>

<!-- ===== sessions ===== -->

<xsl:template name="account-sessions">
  <section class="acct-card" aria-labelledby="acct-devices">
    <h2 id="acct-devices">Where you are signed in</h2>
    <ul class="acct-sessions">
      <xsl:for-each select="sessions/session">
        <li class="acct-session">
          <xsl:if test="@current = 'yes'"><xsl:attribute name="class">acct-session is-current</xsl:attribute></xsl:if>
          <div class="acct-session-text">
            <p class="acct-session-device">
              <span title="{user-agent}"><xsl:value-of select="device"/></span>
              <xsl:if test="@current = 'yes'"><xsl:text> </xsl:text><span class="acct-badge acct-badge-ok">This device</span></xsl:if>
            </p>
            <p class="acct-session-meta">
              <xsl:if test="string(ip) != ''"><span class="acct-ip"><xsl:value-of select="ip"/></span><xsl:text> · </xsl:text></xsl:if>
              <xsl:text>last seen </xsl:text><time datetime="{last-seen/@datetime}"><xsl:value-of select="last-seen"/></time>
              <xsl:text> · signed in </xsl:text><time datetime="{created/@datetime}"><xsl:value-of select="created"/></time>
            </p>
          </div>
          <xsl:call-template name="account-button-form">
            <xsl:with-param name="action" select="concat('/account/sessions/', @id, '/end')"/>
            <xsl:with-param name="label" select="'Sign out'"/>
            <xsl:with-param name="aria-label">
              <xsl:choose>
                <xsl:when test="@current = 'yes'">Sign out of this device</xsl:when>
                <xsl:otherwise><xsl:value-of select="concat('Sign out ', device, ', last seen ', last-seen)"/></xsl:otherwise>
              </xsl:choose>
            </xsl:with-param>
          </xsl:call-template>
        </li>
      </xsl:for-each>
    </ul>
  </section>
  <section class="acct-card" aria-labelledby="acct-everywhere">
    <h2 id="acct-everywhere">Sign out everywhere</h2>
    <p class="acct-lead">Ends every session of your account, this one included. Do it when a device
       is lost or you do not recognise one above.</p>
    <xsl:call-template name="account-button-form">
      <xsl:with-param name="action" select="'/account/sessions/end-all'"/>
      <xsl:with-param name="label" select="'Sign out everywhere'"/>
      <xsl:with-param name="class" select="'button acct-danger'"/>
      <xsl:with-param name="boost" select="false()"/>
    </xsl:call-template>
  </section>
</xsl:template>

<!-- ===== two-factor ===== -->

<xsl:template name="account-mfa">
  <xsl:choose>
    <xsl:when test="mfa/@state = 'on'">
      <section class="acct-card" aria-labelledby="acct-mfa-on">
        <h2 id="acct-mfa-on">Two-factor authentication is on</h2>
        <p>Signing in asks for a code from your authenticator app since
          <xsl:call-template name="account-date"><xsl:with-param name="when" select="mfa/since"/></xsl:call-template>.
          <xsl:text> </xsl:text>
          <xsl:choose>
            <xsl:when test="number(mfa/codes-left) = 1">1 recovery code is left.</xsl:when>
            <xsl:otherwise><xsl:value-of select="mfa/codes-left"/> recovery codes are left.</xsl:otherwise>
          </xsl:choose>
        </p>
        <xsl:if test="number(mfa/codes-left) &lt; 3">
          <p class="acct-warn">Few recovery codes are left: make a new set below.</p>
        </xsl:if>
      </section>
      <section class="acct-card" aria-labelledby="acct-mfa-codes">
        <h2 id="acct-mfa-codes">New recovery codes</h2>
        <p class="acct-lead">Makes ten new codes; the old ones stop working.</p>
        <form class="form acct-form" method="post" action="/account/mfa/recovery">
          <xsl:call-template name="csrf-field"/>
          <xsl:call-template name="account-username-hint"/>
          <xsl:call-template name="account-field">
            <xsl:with-param name="id" select="'recovery-password'"/>
            <xsl:with-param name="name" select="'password'"/>
            <xsl:with-param name="label" select="'Your password'"/>
            <xsl:with-param name="type" select="'password'"/>
            <xsl:with-param name="autocomplete" select="'current-password'"/>
          </xsl:call-template>
          <p class="acct-actions"><button type="submit" class="button button-quiet">Make new codes</button></p>
        </form>
      </section>
      <section class="acct-card" aria-labelledby="acct-mfa-off">
        <h2 id="acct-mfa-off">Turn it off</h2>
        <p class="acct-lead">Needs your password and a code from your app (or a recovery code).</p>
        <form class="form acct-form" method="post" action="/account/mfa/disable">
          <xsl:call-template name="csrf-field"/>
          <xsl:call-template name="account-username-hint"/>
          <xsl:call-template name="account-field">
            <xsl:with-param name="id" select="'disable-password'"/>
            <xsl:with-param name="name" select="'password'"/>
            <xsl:with-param name="label" select="'Your password'"/>
            <xsl:with-param name="type" select="'password'"/>
            <xsl:with-param name="autocomplete" select="'current-password'"/>
          </xsl:call-template>
          <xsl:call-template name="account-code-field">
            <xsl:with-param name="id" select="'disable-code'"/>
            <xsl:with-param name="recovery" select="true()"/>
          </xsl:call-template>
          <p class="acct-actions"><button type="submit" class="button acct-danger">Turn off two-factor</button></p>
        </form>
      </section>
    </xsl:when>
    <xsl:when test="user/has-password != 'yes'">
      <xsl:call-template name="account-no-password"><xsl:with-param name="what" select="'Two-factor authentication'"/></xsl:call-template>
    </xsl:when>
    <xsl:otherwise>
      <section class="acct-card" aria-labelledby="acct-mfa-start">
        <h2 id="acct-mfa-start">Two-factor authentication is off</h2>
        <p class="acct-lead">With it on, signing in asks for a six-digit code from an authenticator
           app on your phone as well as your password, so a stolen password is not enough.</p>
        <form class="form acct-form" method="post" action="/account/mfa/setup">
          <xsl:call-template name="csrf-field"/>
          <xsl:call-template name="account-username-hint"/>
          <xsl:call-template name="account-field">
            <xsl:with-param name="id" select="'setup-password'"/>
            <xsl:with-param name="name" select="'password'"/>
            <xsl:with-param name="label" select="'Your password'"/>
            <xsl:with-param name="type" select="'password'"/>
            <xsl:with-param name="autocomplete" select="'current-password'"/>
          </xsl:call-template>
          <p class="acct-actions"><button type="submit" class="button">Set up two-factor</button></p>
        </form>
      </section>
    </xsl:otherwise>
  </xsl:choose>
</xsl:template>

<xsl:template name="account-code-field">
  <xsl:param name="id" select="'code'"/>
  <xsl:param name="recovery" select="false()"/>
  <xsl:call-template name="account-field">
    <xsl:with-param name="id" select="$id"/>
    <xsl:with-param name="name" select="'code'"/>
    <xsl:with-param name="label">
      <xsl:choose>
        <xsl:when test="$recovery">Code from your app, or a recovery code</xsl:when>
        <xsl:otherwise>Six-digit code from your app</xsl:otherwise>
      </xsl:choose>
    </xsl:with-param>
    <xsl:with-param name="autocomplete" select="'one-time-code'"/>
    <xsl:with-param name="inputmode">
      <xsl:if test="not($recovery)">numeric</xsl:if>
    </xsl:with-param>
    <xsl:with-param name="maxlength">
      <xsl:choose>
        <xsl:when test="$recovery">16</xsl:when>
        <xsl:otherwise>7</xsl:otherwise>
      </xsl:choose>
    </xsl:with-param>
    <xsl:with-param name="class" select="'acct-code-input'"/>
  </xsl:call-template>
</xsl:template>

<xsl:template name="account-mfa-setup">
  <section class="acct-card acct-setup" aria-labelledby="acct-setup">
    <h2 id="acct-setup">Connect your authenticator app</h2>
    <ol class="acct-steps">
      <li>
        <p>Scan this code with an authenticator app (for example Aegis, FreeOTP, Google
           Authenticator or 1Password).</p>
        <xsl:variable name="n" select="setup/qr/@size"/>
        <svg xmlns="http://www.w3.org/2000/svg" class="acct-qr" viewBox="0 0 {$n} {$n}"
             shape-rendering="crispEdges" role="img" aria-label="QR code to scan with your authenticator app">
          <rect width="{$n}" height="{$n}" fill="#fff"/>
          <path d="{setup/qr}" fill="#000"/>
        </svg>
        <p class="acct-note"><a href="{setup/uri}" data-hx-boost="false">Open in an authenticator app on this device</a></p>
      </li>
      <li>
        <p>Or type this key in the app:</p>
        <p><code class="acct-secret" data-secret="{setup/secret/@plain}"><xsl:value-of select="setup/secret"/></code></p>
      </li>
      <li>
        <p>Type the code the app shows now:</p>
        <form class="form acct-form" method="post" action="/account/mfa/enable">
          <xsl:call-template name="csrf-field"/>
          <xsl:call-template name="account-code-field"/>
          <p class="acct-actions">
            <button type="submit" class="button">Turn on two-factor</button>
            <a class="button button-quiet" href="/account/mfa">Cancel</a>
          </p>
        </form>
      </li>
    </ol>
  </section>
</xsl:template>

<xsl:template name="account-mfa-codes">
  <xsl:if test="codes/@why = 'enabled'">
    <p class="form-notice acct-notice" role="status">Two-factor authentication is on.</p>
  </xsl:if>
  <section class="acct-card" aria-labelledby="acct-codes">
    <h2 id="acct-codes">Save your recovery codes</h2>
    <p class="acct-lead">If you lose your phone, each of these codes signs you in once in place of a
       code from the app. Keep them somewhere safe: this is the only time they are shown.</p>
    <ol class="acct-codes">
      <xsl:for-each select="codes/code"><li><code><xsl:value-of select="."/></code></li></xsl:for-each>
    </ol>
    <p class="acct-actions"><a class="button" href="/account/mfa">I saved them</a></p>
  </section>
</xsl:template>

<!-- ===== delete ===== -->

<xsl:template name="account-delete">
  <section class="acct-card acct-card-danger" aria-labelledby="acct-delete">
    <h2 id="acct-delete">What goes with it</h2>
    <p>This deletes your account for good, with your profile, your sign-in devices, linked sign-in
       services and your listening history. It cannot be undone.</p>
    <p>You may want to <a href="/account/export" download="lyre-data.json" data-hx-boost="false">download your data</a> first.</p>
    <form class="form acct-form" method="post" action="/account/delete" data-hx-boost="false">
      <xsl:call-template name="csrf-field"/>
      <xsl:choose>
        <xsl:when test="user/has-password = 'yes'">
          <xsl:call-template name="account-username-hint"/>
          <xsl:call-template name="account-field">
            <xsl:with-param name="id" select="'password'"/>
            <xsl:with-param name="label" select="'Your password'"/>
            <xsl:with-param name="type" select="'password'"/>
            <xsl:with-param name="autocomplete" select="'current-password'"/>
          </xsl:call-template>
        </xsl:when>
        <xsl:otherwise>
          <xsl:call-template name="account-field">
            <xsl:with-param name="id" select="'confirm_username'"/>
            <xsl:with-param name="label" select="concat('Type your username, ', user/username, ', to confirm')"/>
            <xsl:with-param name="autocomplete" select="'off'"/>
          </xsl:call-template>
        </xsl:otherwise>
      </xsl:choose>
      <xsl:if test="user/two-factor = 'on'">
        <xsl:call-template name="account-code-field">
          <xsl:with-param name="recovery" select="true()"/>
        </xsl:call-template>
      </xsl:if>
      <p class="acct-actions"><button type="submit" class="button acct-danger">Delete my account</button></p>
    </form>
  </section>
</xsl:template>

</xsl:stylesheet>
