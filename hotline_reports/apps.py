from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class HotlineReportsConfig(AppConfig):
    name = "hotline_reports"
    verbose_name = _("Reports")

    def ready(self) -> None:
        from django.db.backends.signals import connection_created
        from django.db.models.signals import m2m_changed, post_delete, post_save

        from hotline_asterisk_connector.models import Call
        from hotline_asterisk_connector.publish import subscribe
        from hotline_crm.models import Consultation, Topic
        from hotline_reports import form_rollup, wallboard_events
        from hotline_reports.aggregates import register_sqlite_median
        from hotline_reports.rollup import on_call_saved

        subscribe(wallboard_events.on_event)
        connection_created.connect(register_sqlite_median, dispatch_uid="hotline_reports_median")
        # The journal's calls change under the roll-up: it hears of every change.
        post_save.connect(on_call_saved, sender=Call, dispatch_uid="hotline_reports_rollup")
        post_delete.connect(on_call_saved, sender=Call, dispatch_uid="hotline_reports_rollup_del")
        # So do the forms' (form_rollup.py).
        for signal, name in ((post_save, "saved"), (post_delete, "deleted")):
            signal.connect(
                form_rollup.on_form_saved, sender=Consultation, dispatch_uid=f"form_rollup_{name}"
            )
            signal.connect(
                form_rollup.on_call_saved, sender=Call, dispatch_uid=f"form_rollup_call_{name}"
            )
        m2m_changed.connect(
            form_rollup.on_topics_changed,
            sender=Consultation.topics.through,
            dispatch_uid="form_rollup_topics",
        )
        post_save.connect(
            form_rollup.on_topic_saved, sender=Topic, dispatch_uid="form_rollup_topic"
        )
