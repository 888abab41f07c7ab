from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from tqdm import tqdm

from archive.editorial import listings
from archive.editorial.aftermath import after_write
from archive.models import Article


class Command(BaseCommand):
    help = "按报道现有数据重建列表索引（StoryListing）。可随时 Ctrl-C 中断，已完成的批次保留。"

    def add_arguments(self, parser):
        parser.add_argument("--batch", type=int, default=2_000, help="每个事务处理的报道数")
        parser.add_argument("--no-progress", action="store_true")

    def handle(self, *args, batch, no_progress, **options):
        if batch < 1:
            raise CommandError("--batch 至少为 1。")
        total = Article.objects.count()
        done, last = 0, 0
        with tqdm(total=total, unit="篇", disable=no_progress, desc="重建列表索引") as bar:
            try:
                while True:
                    ids = list(
                        Article.objects.filter(pk__gt=last)
                        .order_by("pk")
                        .values_list("pk", flat=True)[:batch]
                    )
                    if not ids:
                        break
                    with transaction.atomic():  # one transaction per batch
                        listings.refresh(ids)
                        after_write()
                    done, last = done + len(ids), ids[-1]
                    bar.update(len(ids))
            except KeyboardInterrupt:
                raise CommandError(
                    f"已中断：{done} 篇已重建（至编号 {last}），其余未变；再次运行即可重建全部。",
                    returncode=130,
                ) from None
        # Each batch kept the public tally right; built whole, it also folds the
        # months that have passed into one row per subject.
        listings.rebuild_tally()
        self.stdout.write(self.style.SUCCESS(f"已重建 {done} 篇报道的列表索引。"))
