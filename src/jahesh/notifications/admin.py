from __future__ import annotations

from django.contrib import admin

from jahesh.notifications.models import BulkMessage, Delivery, Notification, Preference


@admin.register(Notification)
class NotificationAdmin(admin.ModelAdmin):
    list_display = ("title", "recipient", "kind", "created_at", "read_at")
    list_filter = ("kind",)
    search_fields = ("title", "event_key", "recipient__username")
    raw_id_fields = ("recipient",)


@admin.register(Delivery)
class DeliveryAdmin(admin.ModelAdmin):
    """The delivery log: every message, its attempts and the gateway's answer."""

    list_display = ("to", "channel", "kind", "status", "attempts", "scheduled_for", "sent_at")
    list_filter = ("channel", "status", "kind")
    search_fields = ("to", "idempotency_key", "provider_id")
    raw_id_fields = ("notification", "bulk")


@admin.register(Preference)
class PreferenceAdmin(admin.ModelAdmin):
    list_display = ("user", "kind", "channel", "enabled")
    raw_id_fields = ("user",)


@admin.register(BulkMessage)
class BulkMessageAdmin(admin.ModelAdmin):
    list_display = ("audience_label", "sender", "recipients", "segments", "created_at")
    raw_id_fields = ("sender",)
