<?xml version="1.0" encoding="UTF-8"?>
<!-- plans.xsl: the pages of cgi/checkout/plans.c and spots.c, one template "plans".
     <plans currency checkout signed-in current via-family>: the plans with their price in
     the visitor's currency (<price minor interval>, already formatted by lib/money), the
     currency switcher (anonymous visitors), a checkout form per paid plan.
     <plans-admin>: a form per plan (<typed> holds what was typed after a mistake, <error
     plan field>), prices per currency (<price currency exponent value shown>).
     <spots-admin>: sponsor spots and the form to add one. -->
<xsl:stylesheet version="1.0" xmlns:xsl="http://www.w3.org/1999/XSL/Transform">

<xsl:template match="page[@template='plans']/content" mode="content">
  <xsl:apply-templates select="plans | plans-admin | spots-admin" mode="plans"/>
</xsl:template>

<!-- ================================================================ /plans -->
<xsl:template match="plans" mode="plans">
  <div class="plans">
    <header class="page-head">
      <p class="kicker">Plans</p>
      <h1>Listen your way</h1>
      <p class="plans-lede">Free has sponsor spots, a few skips an hour and streams up to 160 kbit/s.
        Premium plans stream at 320 kbit/s, skip without limit and have no spots.</p>
    </header>
    <xsl:if test="@via-family = '1'">
      <p class="form-notice" role="status">You have Premium through a Family plan.</p>
    </xsl:if>
    <xsl:if test="@signed-in != '1' and count(currencies/currency) &gt; 1">
      <form class="plans-currency" method="get" action="/plans">
        <label for="plans-currency">Prices in</label>
        <select id="plans-currency" name="currency">
          <xsl:for-each select="currencies/currency">
            <option value="{.}">
              <xsl:if test="@selected = '1'"><xsl:attribute name="selected">selected</xsl:attribute></xsl:if>
              <xsl:value-of select="."/>
            </option>
          </xsl:for-each>
        </select>
        <button type="submit" class="button button-quiet button-small">Show</button>
      </form>
    </xsl:if>
    <ul class="plans-grid">
      <xsl:for-each select="plan">
        <li class="plan-card" id="plan-{@code}">
          <xsl:if test="@current = '1'"><xsl:attribute name="class">plan-card is-current</xsl:attribute></xsl:if>
          <h2><xsl:value-of select="name"/></h2>
          <xsl:if test="@current = '1'"><p class="plan-badge">Your plan</p></xsl:if>
          <p class="plan-price">
            <xsl:choose>
              <xsl:when test="@code = 'free'">Free</xsl:when>
              <xsl:when test="price">
                <span class="plan-amount" data-minor="{price/@minor}"><xsl:value-of select="price"/></span>
                <span class="plan-interval"> / month</span>
              </xsl:when>
              <xsl:otherwise>Not offered in <xsl:value-of select="../@currency"/></xsl:otherwise>
            </xsl:choose>
          </p>
          <p class="plan-desc"><xsl:value-of select="description"/></p>
          <ul class="plan-facts">
            <li>Up to <xsl:value-of select="max-kbps"/> kbit/s</li>
            <li>
              <xsl:choose>
                <xsl:when test="skips-per-hour = ''">Unlimited skips</xsl:when>
                <xsl:otherwise><xsl:value-of select="skips-per-hour"/> skips an hour</xsl:otherwise>
              </xsl:choose>
            </li>
            <li>
              <xsl:choose>
                <xsl:when test="spots-every = ''">No sponsor spots</xsl:when>
                <xsl:otherwise>A sponsor spot every <xsl:value-of select="spots-every"/> songs</xsl:otherwise>
              </xsl:choose>
            </li>
            <xsl:if test="family-members &gt; 0">
              <li>You and up to <xsl:value-of select="family-members"/> more people</li>
            </xsl:if>
          </ul>
          <xsl:if test="@code != 'free' and price and not(@current = '1') and ../@checkout = '1' and not(../@current and ../@current != 'free')">
            <xsl:choose>
              <xsl:when test="../@signed-in = '1'">
                <form method="post" action="/checkout/{@code}" class="plan-buy">
                  <xsl:call-template name="csrf-field"/>
                  <input type="hidden" name="currency" value="{../@currency}"/>
                  <button type="submit" class="button button-wide">
                    <xsl:choose>
                      <xsl:when test="@code = 'premium'">Get Premium</xsl:when>
                      <xsl:otherwise>Choose <xsl:value-of select="name"/></xsl:otherwise>
                    </xsl:choose>
                  </button>
                </form>
              </xsl:when>
              <xsl:otherwise>
                <a class="button button-wide" href="/login?next=%2Fplans">Sign in to choose <xsl:value-of select="name"/></a>
              </xsl:otherwise>
            </xsl:choose>
          </xsl:if>
        </li>
      </xsl:for-each>
    </ul>
    <xsl:if test="@signed-in = '1' and @current != 'free'">
      <p class="plans-more"><a href="/billing">Manage your subscription</a></p>
    </xsl:if>
    <xsl:if test="/page/meta/account/role = 'admin'">
      <p class="plans-more"><a href="/plans/admin">Edit plans and prices</a> · <a href="/plans/spots">Sponsor spots</a></p>
    </xsl:if>
  </div>
</xsl:template>

<!-- ================================================================ /plans/admin -->
<xsl:template match="plans-admin" mode="plans">
  <div class="plans plans-admin">
    <header class="page-head">
      <p class="kicker">Admin</p>
      <h1>Plans and prices</h1>
      <p class="plans-lede">Prices are monthly. Type amounts as decimals (11.99; yen without
        decimals: 980); leave a currency empty for no price in it.
        <a href="/plans/spots">Sponsor spots</a></p>
    </header>
    <xsl:if test="notice"><p class="form-notice" role="status"><xsl:value-of select="notice"/></p></xsl:if>
    <xsl:for-each select="plan">
      <xsl:variable name="id" select="@id"/>
      <xsl:variable name="err" select="../error[@plan = $id]"/>
      <section class="plan-edit" id="plan-{@id}" aria-labelledby="plan-{@id}-h">
        <h2 id="plan-{@id}-h"><xsl:value-of select="name"/> <span class="plan-code"> (<xsl:value-of select="@code"/>)</span></h2>
        <xsl:if test="$err">
          <div class="form-error" role="alert"><p><a href="#p{@id}-{$err/@field}"><xsl:value-of select="$err"/></a></p></div>
        </xsl:if>
        <form method="post" action="/plans/admin" class="plan-form">
          <xsl:call-template name="csrf-field"/>
          <input type="hidden" name="plan" value="{@id}"/>
          <xsl:call-template name="plan-input"><xsl:with-param name="field" select="'name'"/><xsl:with-param name="label" select="'Name'"/><xsl:with-param name="value" select="name"/></xsl:call-template>
          <xsl:call-template name="plan-input"><xsl:with-param name="field" select="'description'"/><xsl:with-param name="label" select="'Description'"/><xsl:with-param name="value" select="description"/></xsl:call-template>
          <fieldset class="plan-prices">
          <legend>Limits</legend>
          <xsl:call-template name="plan-input"><xsl:with-param name="field" select="'max_kbps'"/><xsl:with-param name="label" select="'Top bitrate (kbit/s)'"/><xsl:with-param name="value" select="max-kbps"/></xsl:call-template>
          <xsl:call-template name="plan-input"><xsl:with-param name="field" select="'skips_per_hour'"/><xsl:with-param name="label" select="'Skips an hour (empty: no limit)'"/><xsl:with-param name="value" select="skips-per-hour"/></xsl:call-template>
          <xsl:call-template name="plan-input"><xsl:with-param name="field" select="'spots_every'"/><xsl:with-param name="label" select="'Spot every N songs (empty: none)'"/><xsl:with-param name="value" select="spots-every"/></xsl:call-template>
          <xsl:call-template name="plan-input"><xsl:with-param name="field" select="'family_members'"/><xsl:with-param name="label" select="'Family members'"/><xsl:with-param name="value" select="family-members"/></xsl:call-template>
          </fieldset>
          <div class="plan-check">
            <label>
              <input type="checkbox" id="p{@id}-active" name="active" value="1">
                <xsl:if test="(typed and typed/@active = '1') or (not(typed) and @active = '1')">
                  <xsl:attribute name="checked">checked</xsl:attribute>
                </xsl:if>
              </input>
              Offered (active)
            </label>
          </div>
          <fieldset class="plan-prices">
            <legend>Monthly price</legend>
            <xsl:for-each select="price">
              <xsl:variable name="f" select="concat('price_', @currency)"/>
              <div class="field">
                <xsl:if test="$err/@field = $f"><xsl:attribute name="class">field is-invalid</xsl:attribute></xsl:if>
                <label for="p{$id}-{$f}"><xsl:value-of select="@currency"/></label>
                <input id="p{$id}-{$f}" name="{$f}" type="text" inputmode="decimal" autocomplete="off" value="{@value}">
                  <xsl:if test="$err/@field = $f"><xsl:attribute name="aria-invalid">true</xsl:attribute></xsl:if>
                </input>
                <xsl:if test="@shown"><span class="field-hint"><xsl:value-of select="@shown"/></span></xsl:if>
              </div>
            </xsl:for-each>
          </fieldset>
          <p><button type="submit" class="button">Save <xsl:value-of select="name"/></button></p>
        </form>
      </section>
    </xsl:for-each>
  </div>
</xsl:template>

<xsl:template name="plan-input">
  <xsl:param name="field"/>
  <xsl:param name="label"/>
  <xsl:param name="value"/>
  <xsl:variable name="plan" select="."/>
  <xsl:variable name="invalid" select="../error[@plan = $plan/@id]/@field = $field"/>
  <div class="field">
    <xsl:if test="$invalid"><xsl:attribute name="class">field is-invalid</xsl:attribute></xsl:if>
    <label for="p{@id}-{$field}"><xsl:value-of select="$label"/></label>
    <input id="p{@id}-{$field}" name="{$field}" type="text" autocomplete="off">
      <xsl:attribute name="value">
        <xsl:choose>
          <xsl:when test="typed"><xsl:value-of select="typed/field[@name = $field]"/></xsl:when>
          <xsl:otherwise><xsl:value-of select="$value"/></xsl:otherwise>
        </xsl:choose>
      </xsl:attribute>
      <xsl:if test="$invalid"><xsl:attribute name="aria-invalid">true</xsl:attribute></xsl:if>
    </input>
  </div>
</xsl:template>

<!-- ================================================================ /plans/spots -->
<xsl:template match="spots-admin" mode="plans">
  <div class="plans plans-admin">
    <header class="page-head">
      <p class="kicker">Admin</p>
      <h1>Sponsor spots</h1>
      <p class="plans-lede">Free listeners hear one after every few songs (the plan's setting on
        <a href="/plans/admin">Plans and prices</a>). A spot is a line of text with an optional
        link and an optional MP3 of at most 60 seconds.</p>
    </header>
    <xsl:if test="notice"><p class="form-notice" role="status"><xsl:value-of select="notice"/></p></xsl:if>
    <xsl:if test="error">
      <div class="form-error" role="alert"><p><xsl:value-of select="error"/></p></div>
    </xsl:if>
    <xsl:choose>
      <xsl:when test="spot">
        <table class="spots-table">
          <thead><tr><th scope="col">Title</th><th scope="col">Text</th><th scope="col">Link</th><th scope="col">Audio</th><th scope="col">Shown</th><th scope="col"><span class="visually-hidden">Action</span></th></tr></thead>
          <tbody>
            <xsl:for-each select="spot">
              <tr>
                <xsl:if test="@active != '1'"><xsl:attribute name="class">is-off</xsl:attribute></xsl:if>
                <td><xsl:value-of select="title"/></td>
                <td><xsl:value-of select="body"/></td>
                <td><xsl:value-of select="link"/></td>
                <td><xsl:choose><xsl:when test="audio-ms != ''"><xsl:value-of select="round(audio-ms div 1000)"/> s</xsl:when><xsl:otherwise>none</xsl:otherwise></xsl:choose></td>
                <td><xsl:value-of select="shown"/></td>
                <td>
                  <form method="post" action="/plans/spots">
                    <xsl:call-template name="csrf-field"/>
                    <input type="hidden" name="spot" value="{@id}"/>
                    <xsl:choose>
                      <xsl:when test="@active = '1'">
                        <input type="hidden" name="action" value="disable"/>
                        <button type="submit" class="button button-quiet button-small">Disable</button>
                      </xsl:when>
                      <xsl:otherwise>
                        <input type="hidden" name="action" value="enable"/>
                        <button type="submit" class="button button-quiet button-small">Enable</button>
                      </xsl:otherwise>
                    </xsl:choose>
                  </form>
                </td>
              </tr>
            </xsl:for-each>
          </tbody>
        </table>
      </xsl:when>
      <xsl:otherwise><p>No spots yet.</p></xsl:otherwise>
    </xsl:choose>
    <section class="plan-edit" aria-labelledby="spot-new-h">
      <h2 id="spot-new-h">Add a spot</h2>
      <form method="post" action="/plans/spots" enctype="multipart/form-data" class="plan-form">
        <xsl:call-template name="csrf-field"/>
        <input type="hidden" name="action" value="add"/>
        <div class="field"><label for="spot-title">Title</label>
          <input id="spot-title" name="title" type="text" maxlength="200" autocomplete="off" value="{typed/title}"/></div>
        <div class="field"><label for="spot-body">Text</label>
          <input id="spot-body" name="body" type="text" maxlength="500" autocomplete="off" value="{typed/body}"/></div>
        <div class="field"><label for="spot-link">Link (https://…)</label>
          <input id="spot-link" name="link" type="url" autocomplete="off" value="{typed/link}"/></div>
        <div class="field"><label for="spot-audio">Audio (MP3, optional)</label>
          <input id="spot-audio" name="audio" type="file" accept="audio/mpeg,.mp3"/></div>
        <p><button type="submit" class="button">Add spot</button></p>
      </form>
    </section>
  </div>
</xsl:template>

</xsl:stylesheet>
