"""A thread that samples a process's resident memory until stopped: the memory benchmarks'
cross-check of the kernel's high-water mark (VmHWM)."""

import threading
import time

import psutil


class Sampler(threading.Thread):
    """Samples ``process``'s RSS every ``interval`` seconds; ``peak`` is the largest seen."""

    def __init__(self, process: psutil.Process, interval: float = 0.02):
        super().__init__(daemon=True)
        self.process, self.interval, self.peak, self.running = process, interval, 0, True

    def run(self):
        while self.running:
            try:
                self.peak = max(self.peak, self.process.memory_info().rss)
            except psutil.Error:
                return
            time.sleep(self.interval)
