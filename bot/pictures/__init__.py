"""Pictures the bot sends where people would rather look than read: the task timeline of /run
and /demo, /stats, and the diagrams of the event-loop and blocking cards. Platform-neutral: the
renderers take plain frozen values and return PNG bytes."""
