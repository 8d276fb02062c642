app_name = "hotline_reports"

urlpatterns: list = []
