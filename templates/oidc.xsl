<?xml version="1.0" encoding="UTF-8"?>
<!-- oidc.xsl: social login pages (cgi/login/oidc_login.c), drawn as the sign-in
     cards of login.xsl (named templates signin-card, signin-messages,
     signin-input).

     Page data:
       <oidc-error status="400" provider="Title"><title/><message/></oidc-error>
       <oidc-link provider="Title"><username/><email/><has-password>1</has-password>
                 <error/></oidc-link>
     The link forms post to /auth/link (not boosted: signing in changes the
     whole page).  Other templates here are in mode "oidc". -->
<xsl:stylesheet version="1.0" xmlns:xsl="http://www.w3.org/1999/XSL/Transform">

<xsl:template match="page[@template='oidc']/content" mode="content">
  <xsl:apply-templates select="oidc-error | oidc-link" mode="oidc"/>
</xsl:template>

<xsl:template match="oidc-error" mode="oidc">
  <xsl:call-template name="signin-card">
    <xsl:with-param name="title" select="title"/>
    <xsl:with-param name="icon" select="'warn'"/>
    <xsl:with-param name="body">
      <p class="auth-text" role="alert"><xsl:value-of select="message"/></p>
      <xsl:if test="string(@provider) != ''">
        <p class="auth-note"><xsl:value-of select="concat('Sign-in with ', @provider, '.')"/></p>
      </xsl:if>
      <p class="auth-actions"><a class="button button-wide" href="/login">Back to sign in</a></p>
    </xsl:with-param>
    <xsl:with-param name="foot"><a href="/">Go to home</a></xsl:with-param>
  </xsl:call-template>
</xsl:template>

<xsl:template match="oidc-link" mode="oidc">
  <xsl:call-template name="signin-card">
    <xsl:with-param name="title" select="'Link your accounts'"/>
    <xsl:with-param name="lead">
      <xsl:text>You signed in with </xsl:text>
      <strong><xsl:value-of select="@provider"/></strong>
      <xsl:text>. The account </xsl:text>
      <strong><xsl:value-of select="username"/></strong>
      <xsl:text> already uses the confirmed address </xsl:text>
      <strong class="auth-email"><xsl:value-of select="email"/></strong>
      <xsl:text>.</xsl:text>
    </xsl:with-param>
    <xsl:with-param name="body">
      <xsl:call-template name="signin-messages"/>
      <xsl:choose>
        <xsl:when test="has-password = '1'">
          <p class="auth-text">If it is yours, enter its password: from then on either way signs you in to it.</p>
          <form class="form" method="post" action="/auth/link" data-hx-boost="false">
            <xsl:call-template name="csrf-field"/>
            <input type="hidden" name="action" value="link"/>
            <!-- For password managers: which account the password is for. -->
            <input type="text" name="username" autocomplete="username" value="{username}" hidden="hidden" readonly="readonly"/>
            <xsl:call-template name="signin-input">
              <xsl:with-param name="name" select="'password'"/>
              <xsl:with-param name="label" select="'Password'"/>
              <xsl:with-param name="type" select="'password'"/>
              <xsl:with-param name="autocomplete" select="'current-password'"/>
            </xsl:call-template>
            <button type="submit" class="button button-wide">Link and sign in</button>
          </form>
        </xsl:when>
        <xsl:otherwise>
          <p class="auth-text">That account has no password. Sign in to it the way you usually do, then link this sign-in from your account page.</p>
        </xsl:otherwise>
      </xsl:choose>
      <p class="auth-or"><span>or</span></p>
      <form class="form" method="post" action="/auth/link" data-hx-boost="false">
        <xsl:call-template name="csrf-field"/>
        <input type="hidden" name="action" value="new"/>
        <button type="submit" class="button button-quiet button-wide">Create a separate account instead</button>
      </form>
    </xsl:with-param>
    <xsl:with-param name="foot"><a href="/login">Cancel</a></xsl:with-param>
  </xsl:call-template>
</xsl:template>

</xsl:stylesheet>
