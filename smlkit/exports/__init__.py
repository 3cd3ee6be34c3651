"""What leaves the workbook as a whole: the day's record and the printable handouts."""
