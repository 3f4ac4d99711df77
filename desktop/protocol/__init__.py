"""Sans-I/O provider codecs and policies: text in, typed events out; frames to send out."""
