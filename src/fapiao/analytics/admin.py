from django.contrib import admin

from fapiao.analytics.models import Budget, BudgetAlert, CategoryOverride, CategoryRule


@admin.register(CategoryRule)
class CategoryRuleAdmin(admin.ModelAdmin):
    list_display = ("organisation", "kind", "pattern", "category", "priority", "is_active")
    list_filter = ("kind", "is_active")
    search_fields = ("pattern", "category")


@admin.register(CategoryOverride)
class CategoryOverrideAdmin(admin.ModelAdmin):
    list_display = ("invoice", "position", "category", "user", "created_at")
    raw_id_fields = ("invoice",)


@admin.register(Budget)
class BudgetAdmin(admin.ModelAdmin):
    list_display = ("name", "organisation", "department", "category", "period", "amount")
    list_filter = ("period", "is_active")


@admin.register(BudgetAlert)
class BudgetAlertAdmin(admin.ModelAdmin):
    list_display = ("budget", "period_key", "kind", "threshold", "consumed", "created_at")
