import django.db.models.deletion
import django.utils.timezone
from django.conf import settings
from django.db import migrations, models


def reload_articles(apps, schema_editor):
    # Articles loaded before `review` existed: forget their hashes so the next load_content
    # reads their review status from the files.
    apps.get_model("hub", "ContentFile").objects.filter(path__startswith="articles/").delete()





class Migration(migrations.Migration):

    dependencies = [
        ('hub', '0006_article_aliases'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.RunPython(reload_articles, migrations.RunPython.noop),
        migrations.AddField(
            model_name='article',
            name='review',
            field=models.CharField(choices=[('original', 'original text'), ('machine-assisted', 'not yet reviewed by a native speaker'), ('reviewed', 'reviewed by a native speaker')], default='original', max_length=20, verbose_name='review'),
        ),
        migrations.AddField(
            model_name='article',
            name='review_date',
            field=models.DateField(blank=True, null=True, verbose_name='review date'),
        ),
        migrations.AddField(
            model_name='article',
            name='review_sha256',
            field=models.CharField(blank=True, max_length=64),
        ),
        migrations.AddField(
            model_name='article',
            name='reviewer',
            field=models.CharField(blank=True, max_length=100, verbose_name='reviewed by'),
        ),
        migrations.CreateModel(
            name='Correction',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('body', models.TextField(verbose_name='corrected text (Markdown)')),
                ('original', models.TextField()),
                ('status', models.CharField(choices=[('proposed', 'proposed'), ('accepted', 'accepted'), ('rejected', 'rejected')], default='proposed', max_length=10)),
                ('proposed', models.DateTimeField(default=django.utils.timezone.now)),
                ('decided', models.DateTimeField(blank=True, null=True)),
                ('article', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='corrections', to='hub.article')),
                ('decided_by', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL)),
                ('proposed_by', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL)),
            ],
            options={
                'ordering': ['-proposed'],
            },
        ),
    ]
