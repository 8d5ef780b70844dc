from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin

from fapiao.accounts.forms import AdminLoginForm
from fapiao.accounts.models import ApiToken, Department, LoginAttempt, Organisation, User

# Tell a locked-out person why the admin sign-in refuses them (accounts/throttle.py).
admin.site.login_form = AdminLoginForm


@admin.register(Organisation)
class OrganisationAdmin(admin.ModelAdmin):
    list_display = ("name", "tax_id", "created_at")
    search_fields = ("name",)


@admin.register(Department)
class DepartmentAdmin(admin.ModelAdmin):
    list_display = ("name", "organisation")
    list_filter = ("organisation",)


@admin.register(User)
class UserAdmin(DjangoUserAdmin):
    list_display = ("username", "display_name", "organisation", "department", "role", "is_active")
    list_filter = ("role", "organisation", "is_active")
    fieldsets = (
        *(DjangoUserAdmin.fieldsets or ()),
        (
            "发票管家",
            {
                "fields": (
                    "organisation",
                    "department",
                    "role",
                    "display_name",
                    "phone",
                    "review_departments",
                )
            },
        ),
    )


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin):
    list_display = ("token_hint", "user", "name", "created_at", "last_used_at", "revoked_at")
    readonly_fields = ("token_hint", "created_at", "last_used_at")
    exclude = ("token_hash",)


@admin.register(LoginAttempt)
class LoginAttemptAdmin(admin.ModelAdmin):
    list_display = ("username", "ip_address", "created_at")
