<?xml version="1.0" encoding="UTF-8"?>
<!-- login.xsl: the sign-in pages of cgi/lyre-login, each a centred card —
     signup, login, login-mfa (second factor), reset-request, reset (new
     password from a mailed link), verify (a confirmation link's outcome) and
     signin-wait (429: throttled, with how long to wait).

     Page data (cgi/login/*.c):
       <form next="/x" next-q="%2Fx" state="…" token="…">
         <notice>…</notice> <error>…</error>
         <field name="login" value="…" error="…"/>   (error="" marks a field
                                                       the form error is about)
       </form>
       <providers next-q="…"><provider name="…" title="…"/></providers>
       <verify state="ok|invalid|taken|sent|already|no-email" signed-in="1"><email/></verify>
       <wait seconds="8" minutes="…" what="failed sign-ins" back="/login"/>

     The forms are not boosted (data-hx-boost="false"): signing in changes
     who the whole page is for, and a real navigation is what password
     managers watch for.  Other templates here are in mode "signin". -->
<xsl:stylesheet version="1.0" xmlns:xsl="http://www.w3.org/1999/XSL/Transform">

<!-- ===== pages ===== -->

<xsl:template match="page[@template='login']/content" mode="content">
  <xsl:for-each select="form">
    <xsl:call-template name="signin-card">
      <xsl:with-param name="title" select="'Sign in'"/>
      <xsl:with-param name="lead" select="concat('Welcome back to ', $site, '.')"/>
      <xsl:with-param name="body">
        <xsl:call-template name="signin-messages"/>
        <form class="form" method="post" action="/login" data-hx-boost="false">
          <xsl:call-template name="csrf-field"/>
          <xsl:call-template name="signin-next"/>
          <xsl:call-template name="signin-input">
            <xsl:with-param name="name" select="'login'"/>
            <xsl:with-param name="label" select="'User name or email'"/>
            <xsl:with-param name="autocomplete" select="'username'"/>
            <xsl:with-param name="extra" select="'login'"/>
          </xsl:call-template>
          <xsl:call-template name="signin-input">
            <xsl:with-param name="name" select="'password'"/>
            <xsl:with-param name="label" select="'Password'"/>
            <xsl:with-param name="type" select="'password'"/>
            <xsl:with-param name="autocomplete" select="'current-password'"/>
            <xsl:with-param name="aside">
              <a class="field-aside" href="/reset">Forgot your password?</a>
            </xsl:with-param>
          </xsl:call-template>
          <button type="submit" class="button button-wide">Sign in</button>
        </form>
        <xsl:apply-templates select="../providers" mode="signin"/>
      </xsl:with-param>
      <xsl:with-param name="foot">
        <xsl:text>New here? </xsl:text>
        <a>
          <xsl:attribute name="href">
            <xsl:text>/signup</xsl:text>
            <xsl:if test="@next != '/' and @next != ''"><xsl:value-of select="concat('?next=', @next-q)"/></xsl:if>
          </xsl:attribute>
          <xsl:text>Create an account</xsl:text>
        </a>
      </xsl:with-param>
    </xsl:call-template>
  </xsl:for-each>
</xsl:template>

<xsl:template match="page[@template='signup']/content" mode="content">
  <xsl:for-each select="form">
    <xsl:call-template name="signin-card">
      <xsl:with-param name="title" select="'Create your account'"/>
      <xsl:with-param name="lead" select="'Listen, follow artists and keep your playlists.'"/>
      <xsl:with-param name="body">
        <xsl:call-template name="signin-messages"/>
        <form class="form" method="post" action="/signup" data-hx-boost="false">
          <xsl:call-template name="csrf-field"/>
          <xsl:call-template name="signin-next"/>
          <xsl:call-template name="signin-input">
            <xsl:with-param name="name" select="'username'"/>
            <xsl:with-param name="label" select="'User name'"/>
            <xsl:with-param name="autocomplete" select="'username'"/>
            <xsl:with-param name="hint" select="'3 to 32 letters, digits, dots, hyphens or underscores. Others see it.'"/>
            <xsl:with-param name="maxlength" select="32"/>
            <xsl:with-param name="extra" select="'login'"/>
          </xsl:call-template>
          <xsl:call-template name="signin-input">
            <xsl:with-param name="name" select="'email'"/>
            <xsl:with-param name="label" select="'Email'"/>
            <xsl:with-param name="type" select="'email'"/>
            <xsl:with-param name="autocomplete" select="'email'"/>
            <xsl:with-param name="hint" select="'We send a link to confirm it. Nobody else sees it.'"/>
            <xsl:with-param name="maxlength" select="254"/>
          </xsl:call-template>
          <xsl:call-template name="signin-input">
            <xsl:with-param name="name" select="'password'"/>
            <xsl:with-param name="label" select="'Password'"/>
            <xsl:with-param name="type" select="'password'"/>
            <xsl:with-param name="autocomplete" select="'new-password'"/>
            <xsl:with-param name="hint" select="'At least 8 characters. A few unrelated words make a strong one.'"/>
            <xsl:with-param name="minlength" select="8"/>
          </xsl:call-template>
          <xsl:call-template name="signin-input">
            <xsl:with-param name="name" select="'password2'"/>
            <xsl:with-param name="label" select="'Password again'"/>
            <xsl:with-param name="type" select="'password'"/>
            <xsl:with-param name="autocomplete" select="'new-password'"/>
          </xsl:call-template>
          <button type="submit" class="button button-wide">Create account</button>
        </form>
        <xsl:apply-templates select="../providers" mode="signin"/>
      </xsl:with-param>
      <xsl:with-param name="foot">
        <xsl:text>Already have an account? </xsl:text>
        <a>
          <xsl:attribute name="href">
            <xsl:text>/login</xsl:text>
            <xsl:if test="@next != '/' and @next != ''"><xsl:value-of select="concat('?next=', @next-q)"/></xsl:if>
          </xsl:attribute>
          <xsl:text>Sign in</xsl:text>
        </a>
      </xsl:with-param>
    </xsl:call-template>
  </xsl:for-each>
</xsl:template>

<xsl:template match="page[@template='login-mfa']/content" mode="content">
  <xsl:for-each select="form">
    <xsl:call-template name="signin-card">
      <xsl:with-param name="title" select="'Two-step verification'"/>
      <xsl:with-param name="lead" select="'Enter the 6-digit code your authenticator app shows for this account.'"/>
      <xsl:with-param name="body">
        <xsl:call-template name="signin-messages"/>
        <form class="form" method="post" action="/login/mfa" data-hx-boost="false">
          <xsl:call-template name="csrf-field"/>
          <xsl:call-template name="signin-input">
            <xsl:with-param name="name" select="'code'"/>
            <xsl:with-param name="label" select="'Code'"/>
            <xsl:with-param name="autocomplete" select="'one-time-code'"/>
            <xsl:with-param name="extra" select="'otp'"/>
            <xsl:with-param name="maxlength" select="7"/>
          </xsl:call-template>
          <button type="submit" class="button button-wide">Verify</button>
        </form>
        <details class="auth-more">
          <summary>Use a recovery code instead</summary>
          <form class="form" method="post" action="/login/mfa" data-hx-boost="false">
            <xsl:call-template name="csrf-field"/>
            <div class="field">
              <label for="f-recovery">Recovery code</label>
              <input id="f-recovery" name="code" type="text" autocomplete="off" autocapitalize="none"
                     spellcheck="false" required="required" maxlength="32" aria-describedby="f-recovery-hint"/>
              <p class="field-hint" id="f-recovery-hint">One of the ten codes you saved when you turned on two-step verification (like abcde-12345). Each works once.</p>
            </div>
            <button type="submit" class="button button-quiet button-wide">Use recovery code</button>
          </form>
        </details>
        <xsl:if test="number(tries-left) &gt; 0 and number(tries-left) &lt; 5">
          <p class="auth-note">
            <xsl:call-template name="count">
              <xsl:with-param name="n" select="tries-left"/>
              <xsl:with-param name="one" select="'try'"/>
              <xsl:with-param name="many" select="'tries'"/>
            </xsl:call-template>
            <xsl:text> left before you have to sign in again.</xsl:text>
          </p>
        </xsl:if>
      </xsl:with-param>
      <xsl:with-param name="foot">
        <a href="/login">Sign in as someone else</a>
      </xsl:with-param>
    </xsl:call-template>
  </xsl:for-each>
</xsl:template>

<xsl:template match="page[@template='reset-request']/content" mode="content">
  <xsl:for-each select="form">
    <xsl:choose>
      <xsl:when test="@state = 'sent'">
        <xsl:call-template name="signin-card">
          <xsl:with-param name="title" select="'Check your mail'"/>
          <xsl:with-param name="icon" select="'mail'"/>
          <xsl:with-param name="body">
            <p class="auth-text" role="status"><xsl:value-of select="notice"/></p>
            <p class="auth-text muted">Nothing there? Look in the spam folder, or try your other name or address.</p>
            <p class="auth-actions"><a class="button button-wide" href="/login">Back to sign in</a></p>
          </xsl:with-param>
        </xsl:call-template>
      </xsl:when>
      <xsl:otherwise>
        <xsl:call-template name="signin-card">
          <xsl:with-param name="title" select="'Reset your password'"/>
          <xsl:with-param name="lead" select="'Type your user name or email address and we send you a link to choose a new password.'"/>
          <xsl:with-param name="body">
            <xsl:call-template name="signin-messages"/>
            <form class="form" method="post" action="/reset" data-hx-boost="false">
              <xsl:call-template name="csrf-field"/>
              <xsl:call-template name="signin-input">
                <xsl:with-param name="name" select="'login'"/>
                <xsl:with-param name="label" select="'User name or email'"/>
                <xsl:with-param name="autocomplete" select="'username'"/>
                <xsl:with-param name="extra" select="'login'"/>
              </xsl:call-template>
              <button type="submit" class="button button-wide">Send the link</button>
            </form>
          </xsl:with-param>
          <xsl:with-param name="foot">
            <xsl:text>Remembered it? </xsl:text><a href="/login">Sign in</a>
          </xsl:with-param>
        </xsl:call-template>
      </xsl:otherwise>
    </xsl:choose>
  </xsl:for-each>
</xsl:template>

<xsl:template match="page[@template='reset']/content" mode="content">
  <xsl:for-each select="form">
    <xsl:choose>
      <xsl:when test="@state = 'done'">
        <xsl:call-template name="signin-card">
          <xsl:with-param name="title" select="'Password changed'"/>
          <xsl:with-param name="icon" select="'ok'"/>
          <xsl:with-param name="body">
            <p class="auth-text" role="status">Your new password is set, and every device that was signed in to your account is signed out. Sign in with the new password.</p>
            <p class="auth-actions"><a class="button button-wide" href="/login">Sign in</a></p>
          </xsl:with-param>
        </xsl:call-template>
      </xsl:when>
      <xsl:when test="@state = 'invalid'">
        <xsl:call-template name="signin-card">
          <xsl:with-param name="title" select="'This link does not work any more'"/>
          <xsl:with-param name="icon" select="'warn'"/>
          <xsl:with-param name="body">
            <p class="auth-text">A link to reset a password works once, for 30 minutes. This one was used already, has expired, or was copied incompletely.</p>
            <p class="auth-actions"><a class="button button-wide" href="/reset">Send me a new link</a></p>
          </xsl:with-param>
          <xsl:with-param name="foot"><a href="/login">Back to sign in</a></xsl:with-param>
        </xsl:call-template>
      </xsl:when>
      <xsl:otherwise>
        <xsl:call-template name="signin-card">
          <xsl:with-param name="title" select="'Choose a new password'"/>
          <xsl:with-param name="lead">
            <xsl:text>For the account </xsl:text><strong><xsl:value-of select="username"/></strong><xsl:text>.</xsl:text>
          </xsl:with-param>
          <xsl:with-param name="body">
            <xsl:call-template name="signin-messages"/>
            <form class="form" method="post" action="/reset/{@token}" data-hx-boost="false">
              <xsl:call-template name="csrf-field"/>
              <!-- For password managers: which account the new password is for. -->
              <input type="text" name="username" autocomplete="username" value="{username}" hidden="hidden" readonly="readonly"/>
              <xsl:call-template name="signin-input">
                <xsl:with-param name="name" select="'password'"/>
                <xsl:with-param name="label" select="'New password'"/>
                <xsl:with-param name="type" select="'password'"/>
                <xsl:with-param name="autocomplete" select="'new-password'"/>
                <xsl:with-param name="hint" select="'At least 8 characters. A few unrelated words make a strong one.'"/>
                <xsl:with-param name="minlength" select="8"/>
              </xsl:call-template>
              <xsl:call-template name="signin-input">
                <xsl:with-param name="name" select="'password2'"/>
                <xsl:with-param name="label" select="'New password again'"/>
                <xsl:with-param name="type" select="'password'"/>
                <xsl:with-param name="autocomplete" select="'new-password'"/>
              </xsl:call-template>
              <button type="submit" class="button button-wide">Set the password</button>
            </form>
            <p class="auth-note">This signs you out on every device.</p>
          </xsl:with-param>
        </xsl:call-template>
      </xsl:otherwise>
    </xsl:choose>
  </xsl:for-each>
</xsl:template>

<xsl:template match="page[@template='verify']/content" mode="content">
  <xsl:for-each select="verify">
    <xsl:variable name="email" select="normalize-space(email)"/>
    <xsl:choose>
      <xsl:when test="@state = 'ok' or @state = 'already'">
        <xsl:call-template name="signin-card">
          <xsl:with-param name="title" select="'Email address confirmed'"/>
          <xsl:with-param name="icon" select="'ok'"/>
          <xsl:with-param name="body">
            <p class="auth-text" role="status">
              <strong class="auth-email"><xsl:value-of select="$email"/></strong>
              <xsl:text> is confirmed. You can use it to sign in and to reset your password.</xsl:text>
            </p>
            <p class="auth-actions"><a class="button button-wide" href="/">Start listening</a></p>
          </xsl:with-param>
        </xsl:call-template>
      </xsl:when>
      <xsl:when test="@state = 'sent'">
        <xsl:call-template name="signin-card">
          <xsl:with-param name="title" select="'Check your mail'"/>
          <xsl:with-param name="icon" select="'mail'"/>
          <xsl:with-param name="body">
            <p class="auth-text" role="status">
              <xsl:text>We sent a new link to </xsl:text>
              <strong class="auth-email"><xsl:value-of select="$email"/></strong>
              <xsl:text>. It works once, for 30 minutes.</xsl:text>
            </p>
            <p class="auth-actions"><a class="button button-quiet button-wide" href="/">Back to the music</a></p>
          </xsl:with-param>
        </xsl:call-template>
      </xsl:when>
      <xsl:when test="@state = 'taken'">
        <xsl:call-template name="signin-card">
          <xsl:with-param name="title" select="'This address belongs to another account'"/>
          <xsl:with-param name="icon" select="'warn'"/>
          <xsl:with-param name="body">
            <p class="auth-text">
              <strong class="auth-email"><xsl:value-of select="$email"/></strong>
              <xsl:text> was confirmed by another account in the meantime, so it cannot be yours here too. If that account is yours, sign in to it; otherwise use another address.</xsl:text>
            </p>
            <p class="auth-actions"><a class="button button-wide" href="/account/email">Use another address</a></p>
          </xsl:with-param>
        </xsl:call-template>
      </xsl:when>
      <xsl:when test="@state = 'no-email'">
        <xsl:call-template name="signin-card">
          <xsl:with-param name="title" select="'No email address yet'"/>
          <xsl:with-param name="body">
            <p class="auth-text">Your account has no email address to confirm. Add one on your account page.</p>
            <p class="auth-actions"><a class="button button-wide" href="/account/email">Add an address</a></p>
          </xsl:with-param>
        </xsl:call-template>
      </xsl:when>
      <xsl:otherwise>
        <xsl:call-template name="signin-card">
          <xsl:with-param name="title" select="'This link does not work any more'"/>
          <xsl:with-param name="icon" select="'warn'"/>
          <xsl:with-param name="body">
            <p class="auth-text">A confirmation link works once, for 30 minutes. This one was used already, has expired, or was copied incompletely.</p>
            <xsl:choose>
              <xsl:when test="@signed-in = '1'">
                <form class="form" method="post" action="/verify/resend" data-hx-boost="false">
                  <xsl:call-template name="csrf-field"/>
                  <button type="submit" class="button button-wide">Send me a new link</button>
                </form>
              </xsl:when>
              <xsl:otherwise>
                <p class="auth-actions"><a class="button button-wide" href="/login?next=%2Faccount">Sign in to get a new link</a></p>
              </xsl:otherwise>
            </xsl:choose>
          </xsl:with-param>
        </xsl:call-template>
      </xsl:otherwise>
    </xsl:choose>
  </xsl:for-each>
</xsl:template>

<xsl:template match="page[@template='signin-wait']/content" mode="content">
  <xsl:for-each select="wait">
    <xsl:call-template name="signin-card">
      <xsl:with-param name="title" select="'Too many attempts'"/>
      <xsl:with-param name="icon" select="'wait'"/>
      <xsl:with-param name="body">
        <p class="auth-text" role="alert">
          <xsl:value-of select="concat('Too many ', @what, ' from here. Wait ')"/>
          <strong>
            <xsl:call-template name="count">
              <xsl:with-param name="n" select="@seconds"/>
              <xsl:with-param name="one" select="'second'"/>
              <xsl:with-param name="many" select="'seconds'"/>
            </xsl:call-template>
          </strong>
          <xsl:if test="string(@minutes) != ''">
            <xsl:value-of select="concat(' (about ', @minutes, ' minutes)')"/>
          </xsl:if>
          <xsl:text>, then try again.</xsl:text>
        </p>
        <p class="auth-actions"><a class="button button-quiet button-wide" href="{@back}">Try again</a></p>
      </xsl:with-param>
      <xsl:with-param name="foot"><a href="/reset">Forgot your password?</a></xsl:with-param>
    </xsl:call-template>
  </xsl:for-each>
</xsl:template>

<!-- ===== pieces ===== -->

<!-- The card every sign-in page is: logo, heading, lead, body, a footer line. -->
<xsl:template name="signin-card">
  <xsl:param name="title"/>
  <xsl:param name="lead" select="''"/>
  <xsl:param name="icon" select="''"/>
  <xsl:param name="body"/>
  <xsl:param name="foot" select="''"/>
  <div class="auth">
    <section class="auth-card" aria-labelledby="auth-title">
      <div class="auth-mark">
        <xsl:choose>
          <xsl:when test="$icon != ''">
            <span class="auth-icon auth-icon-{$icon}" aria-hidden="true">
              <svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 24 24" focusable="false">
                <path>
                  <xsl:attribute name="d">
                    <xsl:choose>
                      <xsl:when test="$icon = 'ok'">M5 12.5l4.5 4.5L19 7.5</xsl:when>
                      <xsl:when test="$icon = 'mail'">M3.5 6.5h17v11h-17zM4 7l8 6.5L20 7</xsl:when>
                      <xsl:when test="$icon = 'wait'">M12 3.5a8.5 8.5 0 1 0 0 17 8.5 8.5 0 0 0 0-17zM12 7.5V12l3 2</xsl:when>
                      <xsl:otherwise>M12 4 21 19.5H3zM12 10v4.5M12 17.2v.1</xsl:otherwise>
                    </xsl:choose>
                  </xsl:attribute>
                </path>
              </svg>
            </span>
          </xsl:when>
          <!-- The header's logo carries ids; the favicon is the same drawing without them. -->
          <xsl:otherwise><img class="auth-logo" alt="" width="48" height="48"><xsl:attribute name="src"><xsl:call-template name="asset"><xsl:with-param name="name" select="'favicon.svg'"/></xsl:call-template></xsl:attribute></img></xsl:otherwise>
        </xsl:choose>
      </div>
      <h1 id="auth-title"><xsl:value-of select="$title"/></h1>
      <xsl:if test="string($lead) != ''">
        <p class="auth-lead"><xsl:copy-of select="$lead"/></p>
      </xsl:if>
      <xsl:copy-of select="$body"/>
    </section>
    <xsl:if test="string($foot) != ''">
      <p class="auth-foot"><xsl:copy-of select="$foot"/></p>
    </xsl:if>
  </div>
</xsl:template>

<!-- The form's notice and error, announced when the page arrives. -->
<xsl:template name="signin-messages">
  <xsl:if test="normalize-space(notice) != ''">
    <p class="form-notice" role="status"><xsl:value-of select="notice"/></p>
  </xsl:if>
  <xsl:if test="normalize-space(error) != ''">
    <p class="form-error" id="form-error" role="alert">
      <svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 24 24" aria-hidden="true" focusable="false">
        <path d="M12 3a9 9 0 1 0 0 18 9 9 0 0 0 0-18zM12 7.5V13M12 16.3v.1"/>
      </svg>
      <span><xsl:value-of select="error"/></span>
    </p>
  </xsl:if>
</xsl:template>

<xsl:template name="signin-next">
  <xsl:if test="string(@next) != '' and @next != '/'">
    <input type="hidden" name="next" value="{@next}"/>
  </xsl:if>
</xsl:template>

<!-- One labelled input; context is the <form> data element.  The first field
     with a problem (or the first field) gets the focus.  extra: 'login' (no
     capitalisation or spell check), 'otp' (digits keyboard). -->
<xsl:template name="signin-input">
  <xsl:param name="name"/>
  <xsl:param name="label"/>
  <xsl:param name="type" select="'text'"/>
  <xsl:param name="autocomplete"/>
  <xsl:param name="hint" select="''"/>
  <xsl:param name="maxlength" select="''"/>
  <xsl:param name="minlength" select="''"/>
  <xsl:param name="extra" select="''"/>
  <xsl:param name="aside" select="''"/>
  <xsl:variable name="field" select="field[@name = $name]"/>
  <xsl:variable name="id" select="concat('f-', $name)"/>
  <xsl:variable name="invalid" select="boolean($field/@error)"/>
  <xsl:variable name="message" select="normalize-space($field/@error)"/>
  <xsl:variable name="focus" select="($invalid and not($field/preceding-sibling::field[@error]))
      or (not(field[@error]) and not($field/preceding-sibling::field))"/>
  <div class="field">
    <xsl:if test="$invalid"><xsl:attribute name="class">field is-invalid</xsl:attribute></xsl:if>
    <div class="field-label">
      <label for="{$id}"><xsl:value-of select="$label"/></label>
      <xsl:copy-of select="$aside"/>
    </div>
    <input id="{$id}" name="{$name}" type="{$type}" autocomplete="{$autocomplete}" required="required">
      <xsl:if test="$type != 'password' and string($field/@value) != ''">
        <xsl:attribute name="value"><xsl:value-of select="$field/@value"/></xsl:attribute>
      </xsl:if>
      <xsl:if test="$maxlength != ''"><xsl:attribute name="maxlength"><xsl:value-of select="$maxlength"/></xsl:attribute></xsl:if>
      <xsl:if test="$minlength != ''"><xsl:attribute name="minlength"><xsl:value-of select="$minlength"/></xsl:attribute></xsl:if>
      <xsl:if test="$extra = 'login' or $extra = 'otp'">
        <xsl:attribute name="autocapitalize">none</xsl:attribute>
        <xsl:attribute name="spellcheck">false</xsl:attribute>
      </xsl:if>
      <xsl:if test="$extra = 'otp'">
        <xsl:attribute name="inputmode">numeric</xsl:attribute>
        <xsl:attribute name="pattern">[0-9 ]*</xsl:attribute>
      </xsl:if>
      <xsl:if test="$focus"><xsl:attribute name="autofocus">autofocus</xsl:attribute></xsl:if>
      <xsl:if test="$invalid"><xsl:attribute name="aria-invalid">true</xsl:attribute></xsl:if>
      <xsl:variable name="described">
        <xsl:if test="$message != ''"><xsl:value-of select="concat(' ', $id, '-error')"/></xsl:if>
        <xsl:if test="$invalid and $message = '' and normalize-space(error) != ''"> form-error</xsl:if>
        <xsl:if test="$hint != ''"><xsl:value-of select="concat(' ', $id, '-hint')"/></xsl:if>
      </xsl:variable>
      <xsl:if test="normalize-space($described) != ''">
        <xsl:attribute name="aria-describedby"><xsl:value-of select="normalize-space($described)"/></xsl:attribute>
      </xsl:if>
    </input>
    <xsl:if test="$message != ''">
      <p class="field-error" id="{$id}-error"><xsl:value-of select="$message"/></p>
    </xsl:if>
    <xsl:if test="$hint != ''">
      <p class="field-hint" id="{$id}-hint"><xsl:value-of select="$hint"/></p>
    </xsl:if>
  </div>
</xsl:template>

<!-- Social login: one link per provider of lyre.conf. -->
<xsl:template match="providers" mode="signin">
  <xsl:if test="provider">
    <div class="auth-providers">
      <p class="auth-or"><span>or</span></p>
      <ul class="auth-provider-list">
        <xsl:for-each select="provider">
          <li>
            <a class="button button-quiet button-wide" href="/auth/{@name}/start?next={../@next-q}">
              <xsl:value-of select="concat('Continue with ', @title)"/>
            </a>
          </li>
        </xsl:for-each>
      </ul>
    </div>
  </xsl:if>
</xsl:template>

</xsl:stylesheet>
