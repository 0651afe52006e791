"""``manage.py run_sequencer``: number the click day's arrivals, in arrival order, as the one leader.

Run one on every node that should be able to take over (systemd unit ``wecare-sequencer``, compose service
``sequencer``, and ``make run``); only the leader works, the others wait (grants/applications/services/
leader.py). Stops cleanly on SIGTERM / SIGINT after the batch in hand.
"""

import signal

from django.core.management.base import BaseCommand

from grants.applications.services import leader, sequencer


class Command(BaseCommand):
    help = "Dà i numeri di protocollo e le prenotazioni alle domande ricevute, in ordine di arrivo."

    def add_arguments(self, parser):
        parser.add_argument("--poll", type=float, default=0.05, help="pausa tra due controlli (secondi)")
        parser.add_argument(
            "--interval",
            type=float,
            default=leader.DEFAULT_INTERVAL,
            help="dopo un lotto non pieno, attesa minima prima del successivo (secondi)",
        )
        parser.add_argument("--retry", type=float, default=1.0, help="attesa del subentro (secondi)")
        parser.add_argument("--batch-size", type=int, default=sequencer.DEFAULT_BATCH_SIZE)
        parser.add_argument("--once", action="store_true", help="numera ciò che attende ed esce")

    def handle(self, *args, poll, interval, retry, batch_size, once, **options):
        if once:
            count = sequencer.sequence_pending(batch_size=batch_size)
            self.stdout.write(f"{count} domande protocollate")
            return
        stopping = []

        def stop(signum, frame):
            stopping.append(signum)

        signal.signal(signal.SIGTERM, stop)
        signal.signal(signal.SIGINT, stop)
        sequencer.warm_up()
        self.stdout.write("Sequencer avviato: in attesa di guidare o di domande da protocollare.")
        leader.run(
            poll=poll,
            interval=interval,
            retry=retry,
            batch_size=batch_size,
            should_stop=lambda: bool(stopping),
        )
        self.stdout.write("Sequencer fermato.")
