"""Qt adapters (QtCore/QtGui only): the stream bridge and the item models the widgets show."""
