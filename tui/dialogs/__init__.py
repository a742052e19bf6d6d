"""The app's dialogs: modal screens that ask one question and answer it to their caller."""
