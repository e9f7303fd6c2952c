<?xml version="1.0"?>
<!-- SPDX-License-Identifier: GPL-2.0-or-later -->
<!--
  OCF meta-data to a section-7 man page (roff).  Used by mk/agent-man.sh;
  parameters: provider, date.
-->
<xsl:stylesheet version="1.0"
    xmlns:xsl="http://www.w3.org/1999/XSL/Transform">
<xsl:output method="text" encoding="UTF-8"/>
<xsl:param name="provider" select="'mmha'"/>
<xsl:param name="date" select="''"/>

<xsl:variable name="nl" select="'&#10;'"/>

<!-- Backslashes become \e, so that roff prints them. -->
<xsl:template name="esc">
  <xsl:param name="s"/>
  <xsl:choose>
    <xsl:when test="contains($s, '\')">
      <xsl:value-of select="substring-before($s, '\')"/>
      <xsl:text>\e</xsl:text>
      <xsl:call-template name="esc">
        <xsl:with-param name="s" select="substring-after($s, '\')"/>
      </xsl:call-template>
    </xsl:when>
    <xsl:otherwise><xsl:value-of select="$s"/></xsl:otherwise>
  </xsl:choose>
</xsl:template>

<!-- One filled line; \& keeps a leading dot or quote from being a request. -->
<xsl:template name="line">
  <xsl:param name="s"/>
  <xsl:if test="normalize-space($s) != ''">
    <xsl:text>\&amp;</xsl:text>
    <xsl:call-template name="esc">
      <xsl:with-param name="s" select="normalize-space($s)"/>
    </xsl:call-template>
    <xsl:value-of select="$nl"/>
  </xsl:if>
</xsl:template>

<!-- Paragraphs are separated by an empty line in the meta-data. -->
<xsl:template name="paras">
  <xsl:param name="s"/>
  <xsl:param name="first" select="true()"/>
  <xsl:variable name="head">
    <xsl:choose>
      <xsl:when test="contains($s, '&#10;&#10;')">
        <xsl:value-of select="substring-before($s, '&#10;&#10;')"/>
      </xsl:when>
      <xsl:otherwise><xsl:value-of select="$s"/></xsl:otherwise>
    </xsl:choose>
  </xsl:variable>
  <xsl:variable name="printed" select="normalize-space($head) != ''"/>
  <xsl:if test="$printed and not($first)">
    <xsl:text>.sp</xsl:text><xsl:value-of select="$nl"/>
  </xsl:if>
  <xsl:call-template name="line">
    <xsl:with-param name="s" select="$head"/>
  </xsl:call-template>
  <xsl:if test="contains($s, '&#10;&#10;')">
    <xsl:call-template name="paras">
      <xsl:with-param name="s" select="substring-after($s, '&#10;&#10;')"/>
      <xsl:with-param name="first" select="$first and not($printed)"/>
    </xsl:call-template>
  </xsl:if>
</xsl:template>

<xsl:template match="/resource-agent">
  <xsl:variable name="name" select="@name"/>
  <xsl:text>.\" Generated from the agent's meta-data by mk/agent-man.sh; do not edit.&#10;</xsl:text>
  <xsl:text>.TH OCF_</xsl:text>
  <xsl:value-of select="translate(concat($provider, '_', $name), 'abcdefghijklmnopqrstuvwxyz-', 'ABCDEFGHIJKLMNOPQRSTUVWXYZ_')"/>
  <xsl:text> 7 "</xsl:text><xsl:value-of select="$date"/>
  <xsl:text>" "mmha </xsl:text><xsl:value-of select="@version"/>
  <xsl:text>" "OCF resource agents"&#10;</xsl:text>

  <xsl:text>.SH NAME&#10;</xsl:text>
  <xsl:value-of select="$name"/><xsl:text> \- </xsl:text>
  <xsl:call-template name="esc">
    <xsl:with-param name="s" select="normalize-space(shortdesc)"/>
  </xsl:call-template>
  <xsl:value-of select="$nl"/>

  <xsl:text>.SH SYNOPSIS&#10;.B ocf:</xsl:text>
  <xsl:value-of select="concat($provider, ':', $name)"/>
  <xsl:value-of select="$nl"/>
  <xsl:for-each select="parameters/parameter">
    <xsl:choose>
      <xsl:when test="@required = '1'">
        <xsl:text>.BI </xsl:text><xsl:value-of select="@name"/>
        <xsl:text> = value&#10;</xsl:text>
      </xsl:when>
      <xsl:otherwise>
        <xsl:text>.RB [ </xsl:text><xsl:value-of select="@name"/>
        <xsl:text>=\fIvalue\fR ]&#10;</xsl:text>
      </xsl:otherwise>
    </xsl:choose>
  </xsl:for-each>

  <xsl:text>.SH DESCRIPTION&#10;</xsl:text>
  <xsl:call-template name="paras">
    <xsl:with-param name="s" select="longdesc"/>
  </xsl:call-template>

  <xsl:text>.SH SUPPORTED PARAMETERS&#10;</xsl:text>
  <xsl:for-each select="parameters/parameter">
    <xsl:text>.TP&#10;.B </xsl:text><xsl:value-of select="@name"/>
    <xsl:value-of select="$nl"/>
    <xsl:call-template name="line">
      <xsl:with-param name="s" select="concat(normalize-space(shortdesc), '.')"/>
    </xsl:call-template>
    <xsl:call-template name="paras">
      <xsl:with-param name="s" select="longdesc"/>
    </xsl:call-template>
    <xsl:text>.br&#10;(</xsl:text>
    <xsl:value-of select="content/@type"/>
    <xsl:text>, default: </xsl:text>
    <xsl:choose>
      <xsl:when test="normalize-space(content/@default) = ''">
        <xsl:text>none</xsl:text>
      </xsl:when>
      <xsl:otherwise>
        <xsl:text>"</xsl:text>
        <xsl:call-template name="esc">
          <xsl:with-param name="s" select="content/@default"/>
        </xsl:call-template>
        <xsl:text>"</xsl:text>
      </xsl:otherwise>
    </xsl:choose>
    <xsl:if test="@required = '1'">, required</xsl:if>
    <xsl:if test="@reloadable = '1'">, reloadable</xsl:if>
    <xsl:text>)&#10;</xsl:text>
  </xsl:for-each>

  <xsl:text>.SH SUPPORTED ACTIONS&#10;</xsl:text>
  <xsl:for-each select="actions/action">
    <xsl:text>.TP&#10;.B </xsl:text><xsl:value-of select="@name"/>
    <xsl:value-of select="$nl"/>
    <xsl:text>timeout </xsl:text><xsl:value-of select="@timeout"/>
    <xsl:if test="@interval">
      <xsl:text>, interval </xsl:text><xsl:value-of select="@interval"/>
    </xsl:if>
    <xsl:if test="@role">
      <xsl:text>, role </xsl:text><xsl:value-of select="@role"/>
    </xsl:if>
    <xsl:value-of select="$nl"/>
  </xsl:for-each>

  <xsl:text>.SH SEE ALSO&#10;</xsl:text>
  <xsl:text>.BR mmha-readonly (8),&#10;.BR mmha-binlog (8),&#10;.BR mmha-lag (8),&#10;.BR crm_attribute (8)&#10;</xsl:text>
</xsl:template>
</xsl:stylesheet>
