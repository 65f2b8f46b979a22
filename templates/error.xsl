<?xml version="1.0" encoding="UTF-8"?>
<!-- error.xsl: any error status, drawn in the same frame as every other page. -->
<xsl:stylesheet version="1.0" xmlns:xsl="http://www.w3.org/1999/XSL/Transform">

<xsl:template match="page[@template='error']/content" mode="content">
  <xsl:apply-templates select="error" mode="error"/>
</xsl:template>

<xsl:template match="error" mode="error">
  <div class="error-page">
    <xsl:if test="string(@status) != ''">
      <p class="error-status"><span class="visually-hidden">Error </span><xsl:value-of select="@status"/></p>
    </xsl:if>
    <h1>
      <xsl:choose>
        <xsl:when test="normalize-space(title) != ''"><xsl:value-of select="title"/></xsl:when>
        <xsl:otherwise>Something went wrong</xsl:otherwise>
      </xsl:choose>
    </h1>
    <xsl:if test="normalize-space(message) != ''">
      <p class="error-message"><xsl:value-of select="message"/></p>
    </xsl:if>
    <xsl:if test="normalize-space(detail) != ''">
      <p class="error-detail"><xsl:value-of select="detail"/></p>
    </xsl:if>
    <p class="actions">
      <a class="button" href="/">Go to home</a>
      <a class="button button-quiet" href="/browse">Browse artists</a>
    </p>
  </div>
</xsl:template>

</xsl:stylesheet>
