<?xml version="1.0" encoding="UTF-8"?>
<!-- billing.xsl: the subscriber's pages of cgi/lyre-checkout (billing.c, checkout.c,
     family.c).  Every page is <billing section="..."> with an optional <notice>:
       overview        <plan code via-family>, <subscription status plan period-end
                       grace-until cancel-at-period-end changeable>, <portal/>,
                       <invoices><invoice date status><amount/><refunded/><url/></invoice>
       success, cancel the pages the provider sends the user back to
       provider-error  <message> (502: the provider refused or did not answer)
       family          <family role="owner|member|none" seats used open-invites>
                       <member id since><username/><name/></member>, <owner>, <new-invite days>
       join            <family><owner/><token/></family>: confirm joining
       join-refused    <message>
     Every form carries the CSRF field; no card data is ever asked for here. -->
<xsl:stylesheet version="1.0" xmlns:xsl="http://www.w3.org/1999/XSL/Transform">

<xsl:template match="page[@template='billing']/content" mode="content">
  <xsl:apply-templates select="billing" mode="billing"/>
</xsl:template>

<xsl:template match="billing" mode="billing">
  <div class="billing">
    <header class="page-head">
      <p class="kicker">
        <xsl:choose>
          <xsl:when test="starts-with(@section, 'family') or starts-with(@section, 'join')">Family plan</xsl:when>
          <xsl:otherwise>Your plan</xsl:otherwise>
        </xsl:choose>
      </p>
      <h1><xsl:value-of select="/page/meta/title"/></h1>
    </header>
    <xsl:if test="notice">
      <p class="form-notice billing-notice" role="status"><xsl:value-of select="notice"/></p>
    </xsl:if>
    <xsl:choose>
      <xsl:when test="@section = 'overview'"><xsl:call-template name="billing-overview"/></xsl:when>
      <xsl:when test="@section = 'success'"><xsl:call-template name="billing-success"/></xsl:when>
      <xsl:when test="@section = 'cancel'"><xsl:call-template name="billing-cancel"/></xsl:when>
      <xsl:when test="@section = 'provider-error'"><xsl:call-template name="billing-provider-error"/></xsl:when>
      <xsl:when test="@section = 'family'"><xsl:apply-templates select="family" mode="billing-family"/></xsl:when>
      <xsl:when test="@section = 'join'"><xsl:apply-templates select="family" mode="billing-join"/></xsl:when>
      <xsl:when test="@section = 'join-refused'">
        <section class="acct-card billing-problem" role="alert">
          <p><xsl:value-of select="message"/></p>
          <p><a href="/family">Your family plan</a> · <a href="/plans">Plans</a></p>
        </section>
      </xsl:when>
    </xsl:choose>
  </div>
</xsl:template>

<xsl:template name="billing-overview">
  <section class="acct-card billing-plan" aria-labelledby="billing-now">
    <h2 id="billing-now">Current plan</h2>
    <p class="billing-plan-name">
      <span class="acct-badge acct-badge-ok"><xsl:value-of select="plan"/></span>
      <xsl:if test="plan/@via-family = 'yes'"> <span class="muted">through a family plan</span></xsl:if>
    </p>
    <xsl:for-each select="subscription">
      <p class="billing-status">
        <xsl:choose>
          <xsl:when test="@status = 'canceled'">Your <xsl:value-of select="."/> subscription has ended.</xsl:when>
          <xsl:when test="@cancel-at-period-end = 'yes' and @period-end">
            <xsl:value-of select="."/> ends on <time datetime="{@period-end}"><xsl:value-of select="@period-end"/></time>; it will not renew.
          </xsl:when>
          <xsl:when test="@period-end">
            <xsl:value-of select="."/> renews on <time datetime="{@period-end}"><xsl:value-of select="@period-end"/></time>.
          </xsl:when>
          <xsl:otherwise><xsl:value-of select="."/>: <xsl:value-of select="@status"/>.</xsl:otherwise>
        </xsl:choose>
      </p>
      <xsl:if test="@status = 'past_due' or @grace-until">
        <p class="billing-warning" role="alert">
          <xsl:text>The last payment failed.</xsl:text>
          <xsl:if test="@grace-until"> Your plan stays until <time datetime="{@grace-until}"><xsl:value-of select="@grace-until"/></time>; update your payment method in the portal.</xsl:if>
        </p>
      </xsl:if>
      <xsl:if test="@changeable = 'yes'">
        <div class="acct-actions">
          <xsl:choose>
            <xsl:when test="@cancel-at-period-end = 'yes'">
              <form method="post" action="/billing/resume" class="billing-inline">
                <xsl:call-template name="csrf-field"/>
                <button type="submit" class="button">Resume plan</button>
              </form>
            </xsl:when>
            <xsl:otherwise>
              <form method="post" action="/billing/cancel" class="billing-inline">
                <xsl:call-template name="csrf-field"/>
                <button type="submit" class="button button-quiet">Cancel at end of period</button>
              </form>
            </xsl:otherwise>
          </xsl:choose>
        </div>
      </xsl:if>
    </xsl:for-each>
    <div class="acct-actions">
      <xsl:if test="portal">
        <form method="post" action="/billing/portal" class="billing-inline">
          <xsl:call-template name="csrf-field"/>
          <button type="submit" class="button button-quiet">Payment methods and receipts</button>
        </form>
      </xsl:if>
      <a class="button button-quiet" href="/plans">See plans</a>
      <xsl:if test="plan/@code = 'family' or plan/@via-family = 'yes'">
        <a class="button button-quiet" href="/family">Family members</a>
      </xsl:if>
    </div>
  </section>
  <section class="acct-card billing-invoices" aria-labelledby="billing-invoices">
    <h2 id="billing-invoices">Invoices</h2>
    <xsl:choose>
      <xsl:when test="invoices/invoice">
        <table class="billing-table">
          <thead><tr><th scope="col">Date</th><th scope="col">Amount</th><th scope="col">Status</th><th scope="col"><span class="visually-hidden">Receipt</span></th></tr></thead>
          <tbody>
            <xsl:for-each select="invoices/invoice">
              <tr class="billing-invoice is-{@status}">
                <td><time datetime="{@date}"><xsl:value-of select="@date"/></time></td>
                <td class="billing-amount"><xsl:value-of select="amount"/></td>
                <td>
                  <xsl:choose>
                    <xsl:when test="@status = 'paid'">Paid</xsl:when>
                    <xsl:when test="@status = 'payment_failed'">Payment failed</xsl:when>
                    <xsl:when test="@status = 'refunded'">Refunded</xsl:when>
                    <xsl:when test="@status = 'partially_refunded'">Partly refunded (<xsl:value-of select="refunded"/>)</xsl:when>
                  </xsl:choose>
                </td>
                <td><xsl:if test="url"><a href="{url}" rel="noopener noreferrer">Receipt</a></xsl:if></td>
              </tr>
            </xsl:for-each>
          </tbody>
        </table>
      </xsl:when>
      <xsl:otherwise><p class="muted">No invoices yet.</p></xsl:otherwise>
    </xsl:choose>
  </section>
</xsl:template>

<xsl:template name="billing-success">
  <section class="acct-card">
    <p class="acct-lead">Thank you. Your payment was taken by our payment provider; your plan starts as soon as it confirms it, usually within seconds.</p>
    <xsl:if test="subscription">
      <p>Your plan: <strong><xsl:value-of select="subscription"/></strong> (<xsl:value-of select="subscription/@status"/>).</p>
    </xsl:if>
    <div class="acct-actions"><a class="button" href="/billing">Your plan and invoices</a></div>
  </section>
</xsl:template>

<xsl:template name="billing-cancel">
  <section class="acct-card">
    <p class="acct-lead">Checkout was cancelled. Nothing was charged.</p>
    <div class="acct-actions"><a class="button" href="/plans">Back to plans</a></div>
  </section>
</xsl:template>

<xsl:template name="billing-provider-error">
  <section class="acct-card billing-problem" role="alert">
    <p class="acct-lead"><xsl:value-of select="message"/></p>
    <p class="muted">No card data is ever entered on this site: you pay on the provider's own page.</p>
    <div class="acct-actions">
      <a class="button" href="/plans">Back to plans</a>
      <a class="button button-quiet" href="/billing">Your plan</a>
    </div>
  </section>
</xsl:template>

<xsl:template match="family" mode="billing-family">
  <xsl:choose>
    <xsl:when test="@role = 'owner'">
      <section class="acct-card billing-family" aria-labelledby="family-members">
        <h2 id="family-members">Members</h2>
        <p class="acct-lead"><xsl:value-of select="@used"/> of <xsl:value-of select="@seats"/> places taken.</p>
        <xsl:choose>
          <xsl:when test="member">
            <ul class="billing-members">
              <xsl:for-each select="member">
                <li>
                  <span class="billing-member-name"><xsl:value-of select="name"/></span>
                  <span class="muted"> @<xsl:value-of select="username"/> · since <xsl:value-of select="@since"/></span>
                  <form method="post" action="/family/remove" class="billing-inline">
                    <xsl:call-template name="csrf-field"/>
                    <input type="hidden" name="member" value="{@id}"/>
                    <button type="submit" class="button button-quiet">Remove <span class="visually-hidden"><xsl:value-of select="name"/></span></button>
                  </form>
                </li>
              </xsl:for-each>
            </ul>
          </xsl:when>
          <xsl:otherwise><p class="muted">Nobody has joined yet.</p></xsl:otherwise>
        </xsl:choose>
      </section>
      <section class="acct-card" aria-labelledby="family-invite">
        <h2 id="family-invite">Invite someone</h2>
        <xsl:if test="new-invite">
          <div class="billing-invite" role="status">
            <p>Send this link to the person you invite. It works once, for <xsl:value-of select="new-invite/@days"/> days, and is shown only now:</p>
            <p><input class="billing-invite-link" type="text" readonly="readonly" aria-label="Invitation link" value="{new-invite}"/></p>
          </div>
        </xsl:if>
        <xsl:if test="@open-invites != '0'">
          <p class="muted"><xsl:value-of select="@open-invites"/> unused invitation link(s) still open.</p>
        </xsl:if>
        <xsl:choose>
          <xsl:when test="@seats &gt; @used">
            <form method="post" action="/family/invite">
              <xsl:call-template name="csrf-field"/>
              <button type="submit" class="button">Create an invitation link</button>
            </form>
          </xsl:when>
          <xsl:when test="@seats = 0"><p>Your Family plan is not active, so nobody can join now.</p></xsl:when>
          <xsl:otherwise><p>Your family is full.</p></xsl:otherwise>
        </xsl:choose>
      </section>
    </xsl:when>
    <xsl:when test="@role = 'member'">
      <section class="acct-card">
        <p class="acct-lead">You are in <strong><xsl:value-of select="owner/name"/></strong>'s family plan.</p>
        <form method="post" action="/family/leave">
          <xsl:call-template name="csrf-field"/>
          <button type="submit" class="button button-quiet">Leave the family plan</button>
        </form>
      </section>
    </xsl:when>
    <xsl:otherwise>
      <section class="acct-card">
        <p class="acct-lead">You are not in a family plan. With Family, you and up to five people at home get Premium.</p>
        <div class="acct-actions"><a class="button" href="/plans">See plans</a></div>
      </section>
    </xsl:otherwise>
  </xsl:choose>
</xsl:template>

<xsl:template match="family" mode="billing-join">
  <section class="acct-card">
    <p class="acct-lead"><strong><xsl:value-of select="owner/name"/></strong> invites you to their family plan: Premium for you, paid by them.</p>
    <form method="post" action="/family/join/{token}">
      <xsl:call-template name="csrf-field"/>
      <button type="submit" class="button">Join the family plan</button>
    </form>
  </section>
</xsl:template>

</xsl:stylesheet>
