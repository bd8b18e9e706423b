"""Instruments, commitments with their indicators, and meetings with their recommendations in the
admin (system administrators only). Content files and the CSV import are the usual way in; progress
reports are not here: they are submitted and validated through the pages and the API, audited."""

from django.contrib import admin

from haven.participation.models import (
    Commitment,
    Indicator,
    Instrument,
    Meeting,
    Recommendation,
)


@admin.register(Instrument)
class InstrumentAdmin(admin.ModelAdmin):
    list_display = ("slug", "name_en", "adopted", "position")


class IndicatorInline(admin.TabularInline):
    model = Indicator
    extra = 1
    fields = ("code", "name_en", "name_vi", "unit_en", "unit_vi", "baseline", "target", "position")


@admin.register(Commitment)
class CommitmentAdmin(admin.ModelAdmin):
    list_display = ("code", "instrument", "reference", "area", "country", "lead_organisation")
    list_filter = ("instrument", "area", "country", "verified")
    search_fields = ("code", "title_en", "title_vi")
    raw_id_fields = ("recommendation",)
    inlines = [IndicatorInline]


class RecommendationInline(admin.StackedInline):
    model = Recommendation
    extra = 0
    filter_horizontal = ("serves",)


@admin.register(Meeting)
class MeetingAdmin(admin.ModelAdmin):
    list_display = ("slug", "name_en", "place_en", "held", "fictional")
    inlines = [RecommendationInline]
