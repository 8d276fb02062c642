app_name = "hotline_admin"

urlpatterns: list = []
