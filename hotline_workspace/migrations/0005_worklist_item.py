"""One worklist table for missed calls, voice messages and callback requests (decision 0031)."""

import django.db.models.deletion
import django.utils.timezone
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('hotline_asterisk_connector', '0014_sip_guard'),
        ('hotline_workspace', '0004_journal_without_form_index'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name='WorklistItem',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('kind', models.CharField(choices=[('missed', 'Missed call'), ('voicemail', 'Voice message'), ('callback', 'Callback request')], max_length=10, verbose_name='kind')),
                ('caller_number', models.CharField(blank=True, max_length=64, verbose_name='caller number')),
                ('caller_number_raw', models.CharField(blank=True, max_length=128, verbose_name='caller number as sent')),
                ('dialled_number', models.CharField(blank=True, max_length=40, verbose_name='hotline number')),
                ('status', models.CharField(choices=[('pending', 'Waiting'), ('taken', 'Being called back'), ('done', 'Done')], default='pending', max_length=10, verbose_name='status')),
                ('taken_at', models.DateTimeField(blank=True, null=True, verbose_name='taken')),
                ('attempts', models.PositiveSmallIntegerField(default=0, verbose_name='attempts')),
                ('done_at', models.DateTimeField(blank=True, null=True, verbose_name='done')),
                ('outcome_note', models.TextField(blank=True, verbose_name='outcome')),
                ('created_at', models.DateTimeField(default=django.utils.timezone.now, verbose_name='received')),
                ('audio_file', models.CharField(blank=True, max_length=255, verbose_name='audio file')),
                ('duration_seconds', models.PositiveIntegerField(blank=True, null=True, verbose_name='length, s')),
                ('number_to_call', models.CharField(blank=True, max_length=64, verbose_name='number to call back')),
                ('may_say_who_we_are', models.BooleanField(blank=True, null=True, verbose_name='may say who we are to someone else')),
                ('call', models.OneToOneField(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='worklist_item', to='hotline_asterisk_connector.call', verbose_name='call')),
                ('taken_by', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='taken by')),
            ],
            options={
                'verbose_name': 'worklist item',
                'verbose_name_plural': 'worklist items',
                'ordering': ['created_at', 'pk'],
            },
        ),
        migrations.AddIndex(
            model_name='worklistitem',
            index=models.Index(fields=['status', 'created_at'], name='worklist_status_idx'),
        ),
        migrations.AddIndex(
            model_name='worklistitem',
            index=models.Index(fields=['kind', 'created_at'], name='worklist_kind_idx'),
        ),
        migrations.AddIndex(
            model_name='worklistitem',
            index=models.Index(condition=models.Q(('status__in', ['pending', 'taken'])), fields=['caller_number'], name='worklist_open_caller_idx'),
        ),
        migrations.AddConstraint(
            model_name='worklistitem',
            constraint=models.CheckConstraint(condition=models.Q(('kind__in', ['missed', 'voicemail', 'callback'])), name='worklist_kind_known'),
        ),
    ]
