"""What the bot and a picture worker agree on (the worker module itself is run, not imported)."""

import struct

# A message is a 4-byte big-endian length and a pickle.
HEAD = struct.Struct(">I")
# A picture can wait a few ms; the chats cannot: on a busy host the kernel gives the bot's loop
# the CPU first (the sandbox's runs get nice 19 and the idle class; pictures are ours: milder).
NICE = 10
