app_name = "hotline_asterisk_connector"

urlpatterns: list = []
