"""The desk gateway: one upstream feed shared by many boards through Redis; its history writer."""
