"""The demo council's content, as plain data: Riverside Borough Council (fictional).

A pure module (standard library only). Every function is deterministic for a given seed
and returns plain dicts and lists with ISO 8601 strings for dates and times (naive, meaning
UK local time); the loader in the app turns them into rows.

- `open_consultation()`   "Riverside 2030: your town, your say", open, ~340 responses
- `closed_consultation()` "Millbrook Park masterplan", closed 2026-09-30, ~150 responses
- `jury()`                the Citizens' Jury on Transport: quotas, 240 registrants, agenda
- `finished_jury()`       the Citizens' Jury on Climate and Energy: recommendations, votes,
                          a minority report, council responses with progress, ideas
- `staff()`               demo staff accounts (no passwords here)

Free text is composed from the hand-written fragment pools below (per question: several
sub-themes of unequal size, each with specific points, reasons and very short answers),
wrapped in openings and closings that depend on a hidden persona (age, children, car,
disability, tenure) and a tone, then lightly roughened (lower case, typos). About forty
whole answers are written out in full, including personal data to redact, abuse and spam
for moderation, and organisations' responses; one organised campaign ("Save Our Weekly
Bins") answers the bins question from a template letter.

Each response also carries `_labels` (the themes its free text was composed from, and
whether it is campaign, hand-written, personal-data or abuse/spam text): ground truth for
tests and benchmarks, not something to load or show.

All names, places, postcodes (RV1-RV6), phone numbers (Ofcom's 07700 900xxx drama range),
e-mail addresses (example.org/.com) and web addresses (.example) are fictional.
"""

from __future__ import annotations

import math
import random
import re
import unicodedata
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

DEFAULT_SEED = 2026


def _bullets(block: str) -> tuple[str, ...]:
    """One fragment per "- " bullet; wrapped lines are joined with single spaces."""
    items = re.split(r"(?m)^[ \t]*- ", block)
    return tuple(" ".join(item.split()) for item in items if item.strip())


# ---------------------------------------------------------------------------------------
# Places. Slots like {route} in a fragment are filled from these when a text is composed.
# ---------------------------------------------------------------------------------------

SLOTS: dict[str, tuple[str, ...]] = {
    "route": ("12", "12", "12", "7", "31", "X4", "7A"),
    "stop": (
        "the Eastgate stop",
        "the Eastgate stop",
        "the stop outside the Co-op on Holloway Lane",
        "the Kingsmead shops stop",
        "the bus station",
        "the hospital stop",
        "the stop on Ashby Road by the school",
        "the Station Quarter stop",
    ),
    "park_spot": (
        "by the bandstand",
        "near the duck pond",
        "at the Eastgate end",
        "by the tennis courts",
        "near the Millbrook Road gate",
        "behind the old pavilion",
    ),
    "street": (
        "Ashby Road",
        "Holloway Lane",
        "Eastgate Road",
        "Millbrook Road",
        "Cromwell Street",
        "Kingsmead Avenue",
        "Tanners Row",
        "Orchard Close",
        "Victoria Terrace",
        "Ferry Lane",
    ),
    "minutes": ("20", "25", "30", "35", "40", "45", "50"),
    "branch": ("Kingsmead", "Eastgate", "Ashby", "Kingsmead"),
}


def _fill(rng: random.Random, text: str) -> str:
    return re.sub(r"\{(\w+)\}", lambda m: rng.choice(SLOTS[m.group(1)]), text)


# ---------------------------------------------------------------------------------------
# Openings and closings by tone, shared by every question.
# ---------------------------------------------------------------------------------------

TONE_OPENINGS: dict[str, tuple[str, ...]] = {
    "angry": _bullets("""
        - Where do I even start.
        - Honestly this is a joke.
        - I'm sick of this.
        - Frankly it's a disgrace.
        - I've complained about this before and nothing has changed.
        - Another consultation, same problems.
        - I'm really angry about this.
        - This has been going on for years.
    """),
    "constructive": _bullets("""
        - A few suggestions.
        - Thanks for asking.
        - Some ideas from me.
        - Here's what would make a real difference.
        - Two things really.
        - Good that you're asking.
        - My main point is simple.
        - I've thought about this a fair bit.
    """),
    "resigned": _bullets("""
        - Not sure there's any point saying this but here goes.
        - Same as I said last time.
        - I doubt anything will change.
        - I've given up expecting much.
        - You've probably already decided.
        - We've been here before.
    """),
    "appreciative": _bullets("""
        - It's not all bad, to be fair.
        - Some things have got better recently, credit where it's due.
        - Mostly positive from me, but a couple of things.
        - The staff do their best, it's the decisions that are the problem.
        - Thank you for running this.
        - I know money is tight for the council.
    """),
}

TONE_CLOSINGS: dict[str, tuple[str, ...]] = {
    "angry": _bullets("""
        - Sort it out.
        - Disgraceful.
        - Listen to residents for once!
        - We pay enough council tax.
        - Absolute joke.
        - It's not good enough.
        - Do your job.
    """),
    "constructive": _bullets("""
        - Hope this helps.
        - Happy to talk more about it.
        - Thank you for running this consultation.
        - It doesn't need to cost a fortune.
        - Please share the results.
        - Other towns manage it, so can we.
    """),
    "resigned": _bullets("""
        - Not holding my breath.
        - But it'll all be decided already.
        - We'll see.
        - Probably a waste of time writing this.
        - Same old.
    """),
    "appreciative": _bullets("""
        - Keep up the good work.
        - Thank you.
        - Thanks to everyone who works on this.
        - Good luck with it all.
    """),
}

NONE_ANSWERS = (
    "n/a",
    "No comment.",
    "nothing",
    "Nothing to add.",
    "none",
    "no idea",
    "N/A",
    "Not sure.",
    "-",
    "see previous answer",
)


# ---------------------------------------------------------------------------------------
# A sub-theme of one free-text question: its points, the reasons people give, very short
# answers, and how a persona's tags make it more or less likely (a multiplier per tag).
# ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Theme:
    name: str
    weight: float
    points: tuple[str, ...]
    reasons: tuple[str, ...]
    short: tuple[str, ...]
    bias: dict[str, float] = field(default_factory=dict)
    tones: dict[str, float] | None = None  # overrides the question's tone weights


@dataclass(frozen=True)
class _TextQuestion:
    key: str
    themes: tuple[_Theme, ...]
    intros: dict[str, tuple[str, ...]]  # persona tag -> first sentences
    tones: dict[str, float]
    answer_rate: float
    rate_bias: dict[str, float] = field(default_factory=dict)


# ----------------------------------------------------------------------------- buses

BUS_RELIABILITY = _bullets("""
    - The {route} is late more often than it's on time, and some days it just doesn't turn up.
    - The number 12 is a joke. I've waited {minutes} minutes at {stop} and then two came
      together.
    - Buses just disappear off the timetable with no warning. The app says "due" and then
      it vanishes.
    - I've been late for work three times this month because the {route} didn't show up.
    - The real-time screen at {stop} is never right, it counts down to zero and nothing
      comes.
    - Cancellations with no notice are the biggest problem. If you're going to cut a bus,
      tell people.
    - It's not the frequency, it's the reliability. I'd take a bus every half hour if it
      actually came every half hour.
    - I missed a hospital appointment last month because the {route} was cancelled.
    - In the morning the buses are packed and drive straight past {stop} because they're
      full.
    - Driver shortages have been the excuse for two years now. At some point it stops being
      an excuse.
    - The timetable for the {route} is fiction, it can't do that journey in that time at school
      run time.
    - The {route} used to be brilliant. Since the operator changed it has gone downhill badly.
    - Twice last week the 12 terminated early at the bus station and everyone had to get
      off in the rain.
    - The buses are so unreliable I now leave an hour early for anything important.
""")
BUS_RELIABILITY_REASONS = _bullets("""
    - If you can't rely on it, you end up driving, which makes the traffic worse for
      everyone.
    - You can't plan your day around a bus that might not come.
    - People have given up on the buses because of this, and then the operator says nobody
      uses them.
    - For people who don't drive it's the difference between keeping a job and losing it.
    - Reliability is what gets people to trust the bus again.
""")
BUS_RELIABILITY_SHORT = _bullets("""
    - Buses that actually turn up.
    - Make the 12 reliable
    - reliable buses!!
    - Stop cancelling the 7.
    - on time buses please
    - Real-time boards that work.
""")

BUS_FREQUENCY = _bullets("""
    - We need buses every 15 minutes on the main routes, not every hour after 6pm.
    - There's no Sunday service to Kingsmead at all, which is ridiculous for an estate that
      size.
    - Bring back the direct bus to Riverside General. Two changes to get to the hospital is
      too much when you're ill.
    - The {route} should run through Station Quarter now all the new flats are there.
    - Ashby Road has lost its bus completely and older residents there are stranded.
    - A route linking Eastgate and the retail park would get a lot of people out of their
      cars.
    - An hourly bus is not a service. Nobody can live around that.
    - The last bus into town on a Sunday is before 6pm, so the town is dead on Sundays.
    - Link the buses up with the trains. The {route} leaves the station two minutes before the
      London train gets in.
    - Extend the {route} to the new houses at Holloway Fields, they've been there three years
      and there's still no bus.
    - The villages south of the river have one bus a day. One.
    - More buses in the school run, the kids are packed in like sardines.
""")
BUS_FREQUENCY_REASONS = _bullets("""
    - More frequent buses would get more people using them, it's not complicated.
    - Otherwise people who can't drive are stuck at home.
    - Every town that has turned its buses round did it by running them often enough that
      you don't need a timetable.
    - Half the town can't get to the hospital without a car.
""")
BUS_FREQUENCY_SHORT = _bullets("""
    - More buses on Sundays
    - every 15 mins minimum
    - A bus to the hospital!
    - Bring back the 31
    - more frequent buses
""")

BUS_FARES = _bullets("""
    - [parent] Fares for teenagers are far too high. My son pays £3.40 return to get to college and
      that adds up every week.
    - Make buses free for under-18s like they've done in other places.
    - The £2 cap helped but a day ticket is still more than parking in town for a couple of
      hours.
    - Young people need cheaper fares. £1 for under-25s would change everything.
    - Please bring in tap on, tap off with a daily cap so I don't have to work out which
      ticket to buy.
    - Why is it cheaper for two of us to drive and park at Eastgate car park than to get the
      bus?
    - Apprentices and students on low wages spend a fortune on bus fares just to get to
      work or college.
    - [parent] Family tickets should be much cheaper, it costs us £12 to go into town and back.
    - Tickets should work on every operator, not just one company. I've had to buy two
      tickets for one journey.
    - Kids pay adult fares from 16 but they're still in education. Makes no sense.
    - Cash only on some buses still, or card only on others. Make it simple.
""")
BUS_FARES_REASONS = _bullets("""
    - If young people get used to the bus now they'll keep using it.
    - Cost of living is tight, every pound matters.
    - Nobody is going to leave the car at home if the bus costs more.
    - It's about fairness for people who don't have a choice.
""")
BUS_FARES_SHORT = _bullets("""
    - cheaper fares for kids
    - Free buses for under 18s
    - £1 fares for young people
    - Lower fares.
    - fares are too expensive
""")

BUS_NIGHT = _bullets("""
    - There's no bus home after 10.40pm from the town centre, so if you work a late shift
      you're stuck paying for a taxi.
    - Night buses on Friday and Saturday would make town safer. People would stop walking
      home along the river path in the dark.
    - I work nights at the hospital and there is literally no bus that gets me there for a
      10pm start.
    - The last {route} leaves at 10.15. The cinema gets out at 10.30. Work it out.
    - Young people have nothing to do in the evening because they can't get back from town.
    - Bar and restaurant staff finish at midnight and have no way home but walking or taxis.
    - Even one bus an hour until 1am at weekends would help the night-time economy.
    - Evening buses to Kingsmead stopped after the pandemic and never came back.
""")
BUS_NIGHT_REASONS = _bullets("""
    - It's about safety as much as convenience.
    - The evening economy won't survive if nobody can get home.
    - Taxis at £15 a go are not an option on minimum wage.
""")
BUS_NIGHT_SHORT = _bullets("""
    - night buses please
    - Later buses at weekends!
    - buses after 11pm
    - A night bus on Saturdays
""")

BUS_STATION = _bullets("""
    - The old bus station is grim. It smells, the toilets have been shut for years and it
      feels unsafe after dark.
    - The shelter at {stop} has had its glass smashed for months and there's no seat.
    - Knock down the bus station and build something people aren't embarrassed by.
    - We need proper real-time information at every stop, not just at the bus station.
    - The lighting around the bus station is terrible. I won't wait there on my own in
      winter.
    - More shelters please. Standing in the rain at {stop} for {minutes} minutes with
      shopping is miserable.
    - Stop moving the stops for roadworks without signs. I stood at {stop} for half an hour
      before someone told me it had moved.
    - Move the bus station next to the railway station and make a proper interchange in
      Station Quarter.
    - Clean the bus station. Just clean it. It's the first thing visitors see.
    - The pigeons in the bus station are a health hazard, there's mess everywhere.
""")
BUS_STATION_REASONS = _bullets("""
    - It's the front door to the town.
    - If it feels unsafe, people, especially women, won't use the bus at night.
    - Small things like a seat and a working screen make people feel the bus is for them.
""")
BUS_STATION_SHORT = _bullets("""
    - Fix the bus station
    - shelters with seats
    - Knock down the bus station
    - Better bus shelters.
""")

BUS_ACCESS = _bullets("""
    - Drivers pull away before older passengers have sat down. My mum fell last year.
    - There's one wheelchair space and if a buggy is in it I wait for the next bus, which
      can be an hour.
    - [older|disabled] Let bus passes be used before 9.30am. Lots of us have hospital
      appointments first thing.
    - The kerb at {stop} is too low for anyone with a walking frame to step up.
    - Audio announcements of the next stop would help blind and partially sighted people,
      and visitors too.
    - Printed timetables at stops please. Not everyone has a smartphone and the app is
      useless for me.
    - [older|disabled] I use a mobility scooter and half the buses on the {route} can't take it.
    - Most drivers are lovely but some are impatient with disabled passengers. More
      training please.
    - The ramp on the {route} is broken half the time and the driver just shrugs.
""")
BUS_ACCESS_REASONS = _bullets("""
    - Without the bus I'd be stuck indoors.
    - Accessible for disabled people means better for everyone, including parents with
      buggies.
    - Older people give up going out when the bus feels risky.
""")
BUS_ACCESS_SHORT = _bullets("""
    - Bus passes before 9.30
    - Next stop announcements
    - Patient drivers please
""")

BUS_DRIVING = _bullets("""
    - [car] Honestly I drive everywhere and the buses I see are mostly empty. Spend the money on
      potholes.
    - Stop taking away parking to make bus lanes. Shops on the high street need people to
      be able to park.
    - The bus lane on Eastgate Road causes more congestion than it solves.
    - Buses are never going to work in a town this size. Make parking cheaper and the town
      centre will come back to life.
    - Subsidising empty buses is a waste of council tax.
    - Parking charges at Eastgate car park are driving people to the retail park instead of
      the high street.
    - [car] Fix the roads first. The potholes on {street} have wrecked two of my tyres.
""")
BUS_DRIVING_REASONS = _bullets("""
    - Most people in Riverside drive and always will.
    - Nobody is going to stand at a bus stop in the rain with a week's shopping.
    - Businesses in town rely on people driving in.
""")
BUS_DRIVING_SHORT = _bullets("""
    - Cheaper parking.
    - fix the potholes instead
    - Scrap the bus lanes
""")

BUS_CYCLING = _bullets("""
    - Put in proper cycle lanes. Plenty of people would cycle if Ashby Road wasn't so
      dangerous.
    - Secure bike parking at the station please. My last bike was stolen from outside the
      library.
    - Let people take folding bikes on buses and put bike racks at the main stops.
    - The cycle lane on Holloway Lane just stops halfway and dumps you onto the main road.
    - Sort out the pavements and crossings so people can walk to the bus stop safely in the
      first place.
    - A safe cycle route along the river into town would be used by hundreds of kids getting
      to school.
    - Painted cycle lanes are worse than nothing. They need to be separated from traffic.
""")
BUS_CYCLING_REASONS = _bullets("""
    - Not everything has to be a bus. Short trips could be walked or cycled if it felt safe.
    - It's cheaper than any bus subsidy.
""")
BUS_CYCLING_SHORT = _bullets("""
    - Proper cycle lanes
    - safe bike routes to school
""")

BUS_INTROS: dict[str, tuple[str, ...]] = {
    "older": _bullets("""
        - I'm retired and don't drive any more.
        - As a pensioner the bus is my lifeline.
        - I've had a bus pass for years and use it most days.
    """),
    "young": _bullets("""
        - I'm at college and get the bus every day.
        - I'm a student and can't afford a car.
        - I can't afford driving lessons, let alone a car.
    """),
    "very_old": _bullets("""
        - I'm 81 and the bus is how I get to the shops.
        - I'm in my eighties and gave up driving a while ago.
    """),
    "parent": _bullets("""
        - I've got two kids who get the bus to school.
        - As a parent of a teenager I'm basically a taxi service.
        - With a pushchair the bus is hard work.
    """),
    "disabled": _bullets("""
        - I'm a wheelchair user.
        - I have a disability and can't drive.
        - I'm partially sighted so I rely on buses.
    """),
    "car": _bullets("""
        - I mostly drive, but I'd use the bus more if it was better.
        - I drive to work but would rather not.
    """),
    "no_car": _bullets("""
        - We don't have a car.
        - I don't drive so I rely on the bus for everything.
        - We gave up our car last year.
    """),
}

BUS_THEMES = (
    _Theme(
        "reliability",
        30,
        BUS_RELIABILITY,
        BUS_RELIABILITY_REASONS,
        BUS_RELIABILITY_SHORT,
        {"no_car": 1.5, "car": 0.8},
    ),
    _Theme(
        "frequency_and_routes",
        20,
        BUS_FREQUENCY,
        BUS_FREQUENCY_REASONS,
        BUS_FREQUENCY_SHORT,
        {"older": 1.3, "no_car": 1.3},
    ),
    _Theme(
        "fares",
        15,
        BUS_FARES,
        BUS_FARES_REASONS,
        BUS_FARES_SHORT,
        {"young": 3.0, "young_adult": 1.6, "parent": 1.6, "older": 0.3},
    ),
    _Theme(
        "night_and_evening_buses",
        9,
        BUS_NIGHT,
        BUS_NIGHT_REASONS,
        BUS_NIGHT_SHORT,
        {"young": 3.0, "young_adult": 2.0, "older": 0.2},
    ),
    _Theme(
        "bus_station_and_stops",
        12,
        BUS_STATION,
        BUS_STATION_REASONS,
        BUS_STATION_SHORT,
        {"woman": 1.3},
    ),
    _Theme(
        "accessibility",
        8,
        BUS_ACCESS,
        BUS_ACCESS_REASONS,
        BUS_ACCESS_SHORT,
        {"older": 3.0, "disabled": 3.5, "young": 0.3},
    ),
    _Theme(
        "driving_and_parking",
        6,
        BUS_DRIVING,
        BUS_DRIVING_REASONS,
        BUS_DRIVING_SHORT,
        {"car": 2.0, "no_car": 0.05, "young": 0.3},
        tones={"angry": 0.4, "resigned": 0.2, "constructive": 0.1, "neutral": 0.3},
    ),
    _Theme(
        "cycling_and_walking",
        5,
        BUS_CYCLING,
        BUS_CYCLING_REASONS,
        BUS_CYCLING_SHORT,
        {"young_adult": 1.8, "older": 0.4},
    ),
)

# ----------------------------------------------------------------------------- parks

PARK_PLAY = _bullets("""
    - The swings in the playground {park_spot} have been broken since the spring and just
      have tape round them.
    - The toddler play area is really tired. Half of it is fenced off and the rest is
      covered in graffiti.
    - There's nothing for 8 to 12 year olds. They're too big for the baby stuff and get
      moved on from everywhere else.
    - Put in some accessible play equipment so disabled children can play alongside their
      friends.
    - The bark under the climbing frame is full of glass and worse. Replace it with the
      rubber safety surface.
    - Please put a proper fence round the little kids' playground, dogs keep running in.
    - A splash pad would be amazing in the summer, other towns have them.
    - Benches near the play area so parents and grandparents can actually sit down.
    - Kingsmead has one tiny playground for hundreds of children. Millbrook isn't the only
      park that matters.
    - The zip wire was the best thing in the park and it's been out of action for over a
      year.
    - Broken swings, a roundabout that doesn't go round and a slide covered in graffiti.
      That's the playground.
    - The gate on the playground doesn't close by itself any more so toddlers wander out.
""")
PARK_PLAY_REASONS = _bullets("""
    - Kids need somewhere safe to play that isn't a screen.
    - We end up driving to other towns' parks which is daft.
    - A good playground is free for families, and that matters right now.
""")
PARK_PLAY_SHORT = _bullets("""
    - Fix the swings!
    - new playground please
    - play equipment for older kids
    - Fence the toddler area
    - mend the zip wire
""")

PARK_DOGS = _bullets("""
    - Dog fouling is disgusting, especially on the field where kids play football.
    - Dogs off leads running up to small children. There should be a dogs-on-leads area at
      the very least.
    - More dog poo bins please, there's only one {park_spot} and it's always overflowing.
    - Fine the people who don't pick up. Put wardens in the park at busy times.
    - [dog] As a dog owner I'd love a fenced dog exercise area. It would keep dogs away from the
      playground too.
    - People bag it and then hang the bags on trees. Why?
    - Professional dog walkers with eight dogs at once take over the whole field.
    - [dog] Please don't ban dogs from more areas. Most of us are responsible and the park is
      where we go every single day.
    - I stepped in dog mess twice last week on the path {park_spot}.
""")
PARK_DOGS_REASONS = _bullets("""
    - It's a health risk for children.
    - A minority of owners spoil it for everyone else.
    - Nobody ever seems to get fined.
""")
PARK_DOGS_SHORT = _bullets("""
    - Dog poo everywhere.
    - more dog bins
    - Dogs on leads please
    - Fine the dog owners!
""")

PARK_SAFETY = _bullets("""
    - The river path has no lighting at all. I won't walk it after 4pm in winter.
    - There's drug dealing {park_spot} most evenings. Everyone knows, nothing happens.
    - Better lighting along the main paths so people can walk home safely through the
      park.
    - Teenagers on motorbikes tearing across the grass. Someone is going to get hurt.
    - CCTV at the entrances would help. The gate on Millbrook Road feels unsafe at night.
    - Women don't feel safe in the park after dark. Lighting and more people around would
      help.
    - Don't light the whole park, the bats along the river need the dark. Just do the main
      path.
    - Someone was mugged on the river path last month. It needs lights and the bushes
      cutting back.
    - A park warden or ranger, even part time, would make a massive difference.
""")
PARK_SAFETY_REASONS = _bullets("""
    - People walk through the park to get to the station, it's not just for leisure.
    - Nobody should have to take the long way round because they're scared.
""")
PARK_SAFETY_SHORT = _bullets("""
    - lights on the river path
    - Make it safe at night
    - More lighting!
""")

PARK_FACILITIES = _bullets("""
    - The toilets are locked half the time. If you've got kids or you're older, that
      decides whether you can go to the park at all.
    - Reopen the café by the bandstand. It used to be lovely.
    - [older|disabled] More benches along the river path. Some of us can't walk far without a rest.
    - Water fountains to refill bottles would cut down on plastic.
    - A Changing Places toilet would make the park usable for disabled people who need one.
    - Let a local business run the café, not a chain.
    - Somewhere to shelter from the rain near the play area, there's nowhere to go if the
      weather turns.
    - The toilets close at 4pm in the summer, which is exactly when families arrive after
      school.
""")
PARK_FACILITIES_REASONS = _bullets("""
    - Toilets and seats are what let older people use the park at all.
    - A café brings people in and makes the place feel looked after.
""")
PARK_FACILITIES_SHORT = _bullets("""
    - Open the toilets
    - bring back the café
    - more benches
""")

PARK_NATURE = _bullets("""
    - Plant more trees, especially on the Ashby Road side where it's just grass.
    - Leave some areas unmown for wildflowers. The bit they left last year was full of bees.
    - The river is full of shopping trolleys and plastic. Give it a proper clean up and stop
      the sewage going in.
    - Rewild part of the park. We don't need acres of mown grass.
    - Please stop cutting the hedges back so hard. They were full of birds.
    - The long grass looks scruffy and neglected, not "wild". Keep the park tidy.
    - A community orchard or growing space would be brilliant for people in flats with no
      garden.
    - Protect the old oaks by the pond. Don't let them go for the sake of a wider path.
    - Bird boxes, bat boxes and a pond dipping platform for the schools.
""")
PARK_NATURE_REASONS = _bullets("""
    - It costs less to mow less, so it's a win for everyone.
    - Green spaces are good for mental health, that's well proven.
    - Children should grow up knowing what a hedgehog is.
""")
PARK_NATURE_SHORT = _bullets("""
    - more trees
    - wildflower meadows
    - Clean the river.
""")

PARK_YOUTH = _bullets("""
    - Teenagers need somewhere to go. A proper skate park would be a start.
    - The tennis courts have had no nets for two years.
    - Goalposts on the big field, and mark out a couple of pitches.
    - An outdoor gym along the river path would be free exercise for everyone.
    - The basketball court is cracked and the hoops are bent. Kids still use it every day,
      imagine if it was decent.
    - Somewhere covered for young people to just hang out without being moved on.
    - A marked 5k route round the park for runners would be great.
""")
PARK_YOUTH_REASONS = _bullets("""
    - Give young people something to do and you get less trouble, simple as that.
    - Sport is free in a park and it keeps people healthy.
""")
PARK_YOUTH_SHORT = _bullets("""
    - a skate park
    - nets on the tennis courts
    - outdoor gym
""")

PARK_LITTER = _bullets("""
    - The bins overflow every weekend in the summer and the crows spread it everywhere.
    - Litter picking seems to happen once a week at most. That's not enough in summer.
    - The paths are full of potholes and puddles, which is hard with a pushchair or a
      wheelchair.
    - The Friends of Millbrook Park volunteers do loads. Give them proper support and tools.
    - The graffiti on the bandstand has been there for months.
    - Fly-tipping at the Holloway Lane entrance again. Mattresses, fridges, the lot.
    - Broken glass on the paths after every warm weekend.
""")
PARK_LITTER_REASONS = _bullets("""
    - If a place looks uncared for, people treat it that way.
    - It's the basics. Get those right before anything fancy.
""")
PARK_LITTER_SHORT = _bullets("""
    - Empty the bins more
    - too much litter
    - fix the paths
""")

PARK_INTROS: dict[str, tuple[str, ...]] = {
    "parent": _bullets("""
        - I take my two to Millbrook Park most weekends.
        - As a mum of a toddler I'm in the park every day.
        - We go to the park after school most days.
    """),
    "grandparent": _bullets("""
        - I look after my grandchildren twice a week and we always go to the park.
    """),
    "older": _bullets("""
        - I walk round the park every morning.
        - I've used Millbrook Park for over forty years.
    """),
    "young": _bullets("""
        - There's nowhere for people my age to go.
        - Me and my mates use the park a lot.
    """),
    "dog": _bullets("""
        - I walk my dog in Millbrook twice a day.
        - As a dog owner I'm in the park more than anyone.
    """),
    "disabled": _bullets("""
        - I use a wheelchair and getting round the park is hard.
    """),
    "any": _bullets("""
        - Millbrook Park is the best thing about Riverside.
        - I live right by the park.
    """),
}

PARK_THEMES = (
    _Theme(
        "play_areas",
        24,
        PARK_PLAY,
        PARK_PLAY_REASONS,
        PARK_PLAY_SHORT,
        {"parent": 3.5, "grandparent": 2.0, "young": 0.5},
    ),
    _Theme(
        "dog_fouling_and_dogs",
        16,
        PARK_DOGS,
        PARK_DOGS_REASONS,
        PARK_DOGS_SHORT,
        {"parent": 1.5, "dog": 1.8},
    ),
    _Theme(
        "safety_and_lighting",
        15,
        PARK_SAFETY,
        PARK_SAFETY_REASONS,
        PARK_SAFETY_SHORT,
        {"woman": 1.6, "young_adult": 1.3},
    ),
    _Theme(
        "toilets_cafe_and_benches",
        11,
        PARK_FACILITIES,
        PARK_FACILITIES_REASONS,
        PARK_FACILITIES_SHORT,
        {"older": 2.5, "disabled": 2.0, "parent": 1.3},
    ),
    _Theme(
        "trees_wildlife_and_river",
        12,
        PARK_NATURE,
        PARK_NATURE_REASONS,
        PARK_NATURE_SHORT,
        {"young_adult": 1.4},
    ),
    _Theme(
        "sport_and_teenagers",
        8,
        PARK_YOUTH,
        PARK_YOUTH_REASONS,
        PARK_YOUTH_SHORT,
        {"young": 4.0, "young_adult": 1.5, "older": 0.4},
    ),
    _Theme(
        "litter_and_maintenance",
        10,
        PARK_LITTER,
        PARK_LITTER_REASONS,
        PARK_LITTER_SHORT,
        {"older": 1.4},
    ),
)

# ----------------------------------------------------------------------------- bins

BINS_OPPOSE = _bullets("""
    - [parent] Three weeks is far too long. With two kids in nappies our bin is full in ten days.
    - In summer the bins will stink and be full of maggots after three weeks.
    - Foxes already rip the bags open on {street}. With three weeks of rubbish it will be
      carnage.
    - We pay more council tax every year and get less. Keep fortnightly collections.
    - [parent] Large families can't manage. We're a family of six and we already struggle with
      fortnightly.
    - This is a cut dressed up as being green.
    - Where are people in terraced houses supposed to keep three weeks of rubbish? We don't
      have drives.
    - Rats. That's what you'll get. Rats.
    - I recycle everything I can and my bin is still full at two weeks.
    - Communal bins at the flats on {street} overflow already. Three weekly will be a health
      hazard.
    - Absolutely not. We lost weekly collections years ago and now this.
    - The seagulls and crows will have a field day with the bags people leave next to the
      bin.
""")
BINS_OPPOSE_REASONS = _bullets("""
    - It's a basic service and it's what most people think their council tax pays for.
    - The smell in a hot summer doesn't bear thinking about.
    - Any saving will be spent clearing up the mess.
    - Not everyone has room for extra bins or a garden to keep them in.
""")
BINS_OPPOSE_SHORT = _bullets("""
    - Keep fortnightly bins!
    - No to three weekly.
    - three weeks is too long
    - Absolutely not
    - NO. It will stink.
""")

BINS_CONDITIONAL = _bullets("""
    - I could live with three-weekly if food waste was collected every week.
    - Only if you give bigger bins to families who need them.
    - Start collecting soft plastics and more people will manage with three-weekly.
    - If you do this there has to be a weekly collection for nappies and hygiene waste.
    - Try it in one area first and publish the results before rolling it out everywhere.
    - Make garden waste collection free if you're cutting general waste, that would be fair.
    - Give every household a food caddy and liners. Half my street has never had one.
    - It might work but only if the recycling collections are reliable, and at the moment
      they aren't.
""")
BINS_CONDITIONAL_REASONS = _bullets("""
    - Most of what smells is food, so take that away weekly and the rest can wait.
    - People will go along with it if it's done fairly.
    - Other councils that made it work put the support in first.
""")
BINS_CONDITIONAL_SHORT = _bullets("""
    - Only with weekly food waste.
    - bigger bins for big families
    - trial it first
""")

BINS_SUPPORT = _bullets("""
    - I support it. We barely fill our bin in three weeks now we recycle properly.
    - Other councils have done this and recycling went up. Makes sense.
    - Good idea if it saves money and pushes people to recycle more.
    - It's fine. People just need to use the food waste caddy.
    - Honestly it's overdue. Landfill is expensive and we all pay for it.
    - [older|young|young_adult] We're a household of two and our bin is half full at collection.
      Three-weekly is fine by us.
    - Anything that cuts what goes to landfill gets my vote.
""")
BINS_SUPPORT_REASONS = _bullets("""
    - Most of what's in black bins could be recycled.
    - If it saves money for things like libraries and buses, I'm all for it.
""")
BINS_SUPPORT_SHORT = _bullets("""
    - Fine by me.
    - Support it.
    - good idea
""")

BINS_FLYTIP = _bullets("""
    - Fly-tipping is already bad on Holloway Lane. This will make it much worse.
    - People will just dump rubbish in the alleys and in the park.
    - If you do this you need to get much faster at clearing fly-tipping and actually
      prosecute people.
    - The tip's booking system already puts people off. Now this? Expect mattresses on
      every corner.
    - There's a mountain of black bags behind the shops in Kingsmead every week already.
    - The alley behind {street} is a dumping ground and it takes weeks to get cleared.
""")
BINS_FLYTIP_REASONS = _bullets("""
    - Whatever you save on collections you'll spend clearing up dumped rubbish.
    - The people who fly-tip won't change, everybody else suffers.
""")
BINS_FLYTIP_SHORT = _bullets("""
    - more fly tipping
    - It will mean more fly-tipping.
""")

BINS_RECYCLING = _bullets("""
    - Sort out the recycling first. Half the time they won't take the blue bin because one
      thing is wrong.
    - Bins are left in the middle of the pavement after collection, blocking wheelchairs and
      buggies.
    - Missed collections are never followed up. I've reported our street three times.
    - We need clearer information on what goes in which bin. The leaflet is from 2019.
    - Flats above the shops on the high street have no proper bins at all, just bags on the
      street.
    - Collect glass separately, the mixed recycling is a mess.
    - Why can't we recycle plastic pots and trays when the next council can?
""")
BINS_RECYCLING_REASONS = _bullets("""
    - People want to recycle, make it easy for them.
    - You can't ask more of residents when the basic service isn't working.
""")
BINS_RECYCLING_SHORT = _bullets("""
    - better recycling
    - Stop missing collections
""")

BINS_PRACTICAL = _bullets("""
    - [disabled] I'm disabled and can't move a heavy full bin down my path. Assisted collections
      need to be easy to get.
    - What about people with medical waste, stoma bags and so on? That can't sit for three
      weeks.
    - [renter|social] The bin store at our flats is already overflowing and the housing
      association does nothing.
    - Older people living alone won't remember a three-week cycle. Send a printed calendar
      through the door.
    - The bin crews do a great job. It's the policy that's wrong, not them.
    - Our street is too narrow for the lorry so we have to drag the bins to the end of the
      road.
""")
BINS_PRACTICAL_REASONS = _bullets("""
    - Think about the people who will find this hardest, not the average household.
    - Please do an equality impact assessment before deciding.
""")
BINS_PRACTICAL_SHORT = _bullets("""
    - printed bin calendars please
    - what about medical waste?
""")

BINS_INTROS: dict[str, tuple[str, ...]] = {
    "parent": _bullets("""
        - We've got three kids and one still in nappies.
        - With a young family we produce a lot of rubbish.
    """),
    "older": _bullets("""
        - I live on my own so I don't make much rubbish.
        - I'm retired and I recycle everything I can.
    """),
    "disabled": _bullets("""
        - I'm disabled and have an assisted collection.
    """),
    "renter": _bullets("""
        - I live in a flat with communal bins.
    """),
    "any": _bullets("""
        - We live on a terraced street with no front gardens.
        - There are four adults in our house.
    """),
}

BINS_THEMES = (
    _Theme(
        "oppose_three_weekly",
        34,
        BINS_OPPOSE,
        BINS_OPPOSE_REASONS,
        BINS_OPPOSE_SHORT,
        {"parent": 1.8, "older": 0.8},
        tones={"angry": 0.5, "resigned": 0.15, "constructive": 0.1, "neutral": 0.25},
    ),
    _Theme(
        "conditional_support",
        16,
        BINS_CONDITIONAL,
        BINS_CONDITIONAL_REASONS,
        BINS_CONDITIONAL_SHORT,
        {"young_adult": 1.3},
        tones={"constructive": 0.6, "resigned": 0.1, "neutral": 0.3},
    ),
    _Theme(
        "support_change",
        12,
        BINS_SUPPORT,
        BINS_SUPPORT_REASONS,
        BINS_SUPPORT_SHORT,
        {"older": 1.6, "parent": 0.5},
        tones={"constructive": 0.4, "appreciative": 0.2, "neutral": 0.4},
    ),
    _Theme(
        "fly_tipping",
        12,
        BINS_FLYTIP,
        BINS_FLYTIP_REASONS,
        BINS_FLYTIP_SHORT,
        {"renter": 1.4},
        tones={"angry": 0.4, "resigned": 0.2, "constructive": 0.1, "neutral": 0.3},
    ),
    _Theme(
        "recycling_service",
        9,
        BINS_RECYCLING,
        BINS_RECYCLING_REASONS,
        BINS_RECYCLING_SHORT,
        {},
    ),
    _Theme(
        "assisted_and_practical",
        6,
        BINS_PRACTICAL,
        BINS_PRACTICAL_REASONS,
        BINS_PRACTICAL_SHORT,
        {"disabled": 4.0, "older": 1.8},
        tones={"constructive": 0.5, "angry": 0.1, "neutral": 0.4},
    ),
)

# The organised campaign. Everyone who used it was sent this text by e-mail and social
# media; most pasted it, some added a line or changed the street.
BINS_CAMPAIGN_TEMPLATE = (
    "I am writing as a supporter of Save Our Weekly Bins to object in the strongest terms "
    "to the proposal to move to three-weekly general waste collections. We already lost "
    "weekly collections and this would be a step too far. Families with young children, "
    "people who need to dispose of medical waste and residents of flats with no storage "
    "space cannot keep three weeks of rubbish. In the summer the smell will be unbearable, "
    "and foxes and rats are already ripping bags open on {street}. This proposal will lead "
    "to more fly-tipping, more vermin and higher clean-up costs. Council tax keeps going up "
    "while services are cut. I urge the council to withdraw this proposal and keep "
    "fortnightly collections."
)
BINS_CAMPAIGN_EXTRAS = _bullets("""
    - I have three children under five.
    - My neighbour is 88 and would not be able to cope.
    - We had maggots in our bin last July even with fortnightly collections.
    - I have never missed a council tax payment in thirty years.
    - Our street has had rats for months and nobody has come out.
    - My husband uses stoma bags and this is a real worry for us.
    - I will be raising this with my councillor.
    - Please listen to residents this time.
""")
BINS_CAMPAIGN_SIGNOFFS = _bullets("""
    - Regards, Pauline
    - Yours faithfully, Mr and Mrs Hughes
    - Thanks, Gary
    - Sandra (Kingsmead)
    - Kind regards, Mo
    - From a very worried resident
    - Yours sincerely, D. Patel
    - Lisa
""")

# ----------------------------------------------------------------------------- libraries

LIB_HOURS = _bullets("""
    - Open on Sundays. It's the one day working families can actually go.
    - Being closed on Wednesdays is really confusing, I keep turning up and it's shut.
    - Later opening in the evenings so people who work can use it, at least one late night a
      week.
    - Saturday afternoons! Closing at 1pm on a Saturday makes no sense at all.
    - {branch} library is only open three days a week now. It used to be five.
    - Keep the morning hours. A lot of older people go first thing.
    - Self-service opening with your library card, like other places have, so it can be open
      longer without more staff.
    - The hours change so often nobody knows when it's open. Put them on the door and
      stick to them.
""")
LIB_HOURS_REASONS = _bullets("""
    - A library nobody can get into isn't much use.
    - Most people work nine to five, so those are exactly the wrong hours.
""")
LIB_HOURS_SHORT = _bullets("""
    - open longer
    - Sunday opening please
    - Open on Wednesdays!
""")

LIB_COMMUNITY = _bullets("""
    - The warm space last winter was a lifeline for me. Please keep it going.
    - Libraries are one of the only places left where you can sit without having to buy
      anything.
    - More events for older people. Coffee mornings, talks, knit and natter.
    - Make the library a hub: council help desk, Citizens Advice, health checks, all in one
      place.
    - Somewhere lonely people can go and have a chat. That's worth more than any saving.
    - Job clubs and CV help for people looking for work.
    - A community fridge or food bank collection point at the library.
    - Warm spaces again this winter please, with hot drinks. Bills are still sky high.
""")
LIB_COMMUNITY_REASONS = _bullets("""
    - Loneliness is a real problem in this town and the library is one of the answers.
    - It saves money elsewhere, in the NHS and social care.
""")
LIB_COMMUNITY_SHORT = _bullets("""
    - keep the warm spaces
    - coffee mornings
    - A community hub
""")

LIB_CHILDREN = _bullets("""
    - Homework clubs after school with someone who can help with maths.
    - Rhyme time is brilliant but it's always full. Run more sessions.
    - Quiet study space for teenagers revising for GCSEs and A levels. Some kids have
      nowhere quiet at home.
    - [parent|grandparent] The summer reading challenge got my son reading. Keep it.
    - More plug sockets and desks for students, it's rammed at exam time.
    - Baby and toddler sessions at times working parents can make, like Saturday mornings.
    - The teenage section is tiny and hasn't changed in years.
    - Coding clubs and Lego clubs for kids, the one at {branch} was fantastic.
""")
LIB_CHILDREN_REASONS = _bullets("""
    - Not every child has books at home.
    - It keeps kids off the streets and gives them somewhere safe after school.
""")
LIB_CHILDREN_SHORT = _bullets("""
    - homework club
    - More rhyme times
    - study space for teenagers
""")

LIB_DIGITAL = _bullets("""
    - More e-books and audiobooks on the app, the waiting lists are months long.
    - Faster wifi. It drops out every ten minutes.
    - Help for older people to get online, booking GP appointments, paying bills and so on.
    - Printing costs too much. 20p a page adds up when you're applying for jobs.
    - A maker space with a 3D printer and laptops for kids who don't have one.
    - The catalogue website is awful, you can't reserve anything on your phone.
    - Digital newspapers and magazines on the app would be great.
    - Lend laptops and dongles to people who can't afford internet at home.
""")
LIB_DIGITAL_REASONS = _bullets("""
    - Everything is online now and plenty of people are being left behind.
    - Not everyone can get to a branch, the e-library reaches everyone.
""")
LIB_DIGITAL_SHORT = _bullets("""
    - more ebooks
    - better wifi
    - cheaper printing
""")

LIB_STOCK = _bullets("""
    - More large print books please. It's the same ones that have been there for years.
    - Newer books! The bestsellers take ages to arrive.
    - Books in other languages, Polish, Urdu, Romanian, to reflect who lives here now.
    - Keep the local history collection. It's priceless.
    - Stop charging for reservations.
    - A library of things: borrow a drill, a sewing machine, a tent.
    - Audiobooks on CD still matter to people who don't use apps.
""")
LIB_STOCK_REASONS = _bullets("""
    - A library is only as good as what's on its shelves.
    - It's what brings people through the door.
""")
LIB_STOCK_SHORT = _bullets("""
    - more large print
    - New books
""")

LIB_BUILDINGS = _bullets("""
    - Don't close Kingsmead library. For a lot of people on the estate it's the only public
      space left.
    - The roof in the central library leaks into the reading room. Fix the building before
      adding anything new.
    - Bring back the mobile library for the villages and people who can't get into town.
    - The toilets in the central library are always out of order.
    - Move the central library into the empty bank on the high street and make it the heart
      of the town centre.
    - Share buildings with the children's centre or the GP to keep small branches open.
    - The {branch} branch needs a ramp, the side entrance is a joke.
""")
LIB_BUILDINGS_REASONS = _bullets("""
    - Once a branch closes it never comes back.
    - People shouldn't need a bus ride to borrow a book.
""")
LIB_BUILDINGS_SHORT = _bullets("""
    - Keep Kingsmead open
    - fix the roof
    - bring back the mobile library
""")

LIB_SCEPTIC = _bullets("""
    - Honestly, libraries are from another era. Put the money into things people use.
    - Sell the central library building and put the whole service online.
    - I haven't been in years. Can't see why we need four branches.
    - Everyone has a phone now. Spend the money on bins and roads.
""")
LIB_SCEPTIC_REASONS = _bullets("""
    - The council can't afford everything.
""")
LIB_SCEPTIC_SHORT = _bullets("""
    - Don't use them.
    - close some branches
""")

LIB_INTROS: dict[str, tuple[str, ...]] = {
    "older": _bullets("""
        - I've used the central library every week since I retired.
        - I live alone and the library is where I see people.
    """),
    "parent": _bullets("""
        - My children love the library.
        - We go every Saturday with the kids.
    """),
    "young": _bullets("""
        - I revised for my exams in the library.
        - I'm a student and use the library to study.
    """),
    "any": _bullets("""
        - I love our libraries.
        - I'm a regular at the {branch} branch.
    """),
}

LIB_THEMES = (
    _Theme(
        "opening_hours",
        22,
        LIB_HOURS,
        LIB_HOURS_REASONS,
        LIB_HOURS_SHORT,
        {"older": 1.5, "young_adult": 1.6},
    ),
    _Theme(
        "warm_spaces_and_community",
        16,
        LIB_COMMUNITY,
        LIB_COMMUNITY_REASONS,
        LIB_COMMUNITY_SHORT,
        {"older": 2.2, "disabled": 1.5},
        tones={"appreciative": 0.35, "constructive": 0.35, "neutral": 0.3},
    ),
    _Theme(
        "children_and_young_people",
        18,
        LIB_CHILDREN,
        LIB_CHILDREN_REASONS,
        LIB_CHILDREN_SHORT,
        {"parent": 3.5, "young": 2.5, "older": 0.4},
        tones={"appreciative": 0.3, "constructive": 0.4, "neutral": 0.3},
    ),
    _Theme(
        "digital_and_ebooks",
        12,
        LIB_DIGITAL,
        LIB_DIGITAL_REASONS,
        LIB_DIGITAL_SHORT,
        {"young_adult": 1.8, "young": 1.5},
    ),
    _Theme(
        "books_and_stock",
        10,
        LIB_STOCK,
        LIB_STOCK_REASONS,
        LIB_STOCK_SHORT,
        {"older": 1.6},
    ),
    _Theme(
        "branches_and_buildings",
        11,
        LIB_BUILDINGS,
        LIB_BUILDINGS_REASONS,
        LIB_BUILDINGS_SHORT,
        {"older": 1.3},
    ),
    _Theme(
        "libraries_not_a_priority",
        4,
        LIB_SCEPTIC,
        LIB_SCEPTIC_REASONS,
        LIB_SCEPTIC_SHORT,
        {"car": 1.5, "older": 0.5, "parent": 0.4},
        tones={"angry": 0.3, "resigned": 0.2, "neutral": 0.5},
    ),
)

# ----------------------------------------------------------------------------- housing

HOUSING_AFFORDABLE = _bullets("""
    - [young|young_adult|renter] Rents are ridiculous. My partner and I both work full time and
      can't afford a two-bed flat in Riverside.
    - Build council houses again. Proper social rent, not "affordable" at 80% of market
      rent.
    - [older|grandparent] My kids have had to move away because they can't afford to live in the
      town they grew up in.
    - There are over 3,000 households on the waiting list. That should be the priority.
    - Shared ownership is a con, the service charges go up every year.
    - First-time buyers need a chance. Keep some homes for local people.
    - Nurses and carers can't afford to live here. The hospital can't recruit.
    - [young_adult] I'm 29 and still living with my parents. Everything is either too expensive
      or gone in a day.
""")
HOUSING_AFFORDABLE_REASONS = _bullets("""
    - A town where young people can't live has no future.
    - Private developers will never build what people here can afford.
""")
HOUSING_AFFORDABLE_SHORT = _bullets("""
    - council houses
    - affordable rent!!
    - Social housing.
    - homes local people can afford
""")

HOUSING_BROWNFIELD = _bullets("""
    - Build on the old gasworks site before touching a single green field.
    - Station Quarter has loads of empty land and it's next to the station. Put the homes
      there.
    - Convert the empty space above shops on the high street into flats. It would bring life
      back into the town centre.
    - Use the old bus station site for housing once the bus station moves.
    - Brownfield first, every time. There are derelict sites all over Eastgate.
    - The old tannery works on Tanners Row has been empty for fifteen years. Why?
    - Empty office blocks by the ring road could be flats.
""")
HOUSING_BROWNFIELD_REASONS = _bullets("""
    - It's already got roads and services, and it's close to the town centre.
    - Once green fields are built on they're gone for ever.
""")
HOUSING_BROWNFIELD_SHORT = _bullets("""
    - Brownfield first
    - build on the gasworks
    - flats above shops
""")

HOUSING_INFRA = _bullets("""
    - No more houses until there are more GP appointments. You can't get one now.
    - The schools are full. New homes need new school places first.
    - The roads can't cope. Ashby Road is gridlocked at rush hour as it is.
    - Every new estate should have a bus route from day one.
    - Developers promise a shop and a surgery and they never appear. Make them deliver before
      anyone moves in.
    - Stop building on the floodplain. The river floods more every year.
    - The sewers can't cope, there's sewage in the river every time it rains.
""")
HOUSING_INFRA_REASONS = _bullets("""
    - Housing without infrastructure just makes life worse for everyone.
    - Existing residents are already struggling to get a doctor's appointment.
""")
HOUSING_INFRA_SHORT = _bullets("""
    - GPs and schools first
    - infrastructure first
""")

HOUSING_AGAINST = _bullets("""
    - The town is full. Stop building.
    - Leave the fields off Ashby Road alone. Once they're gone they're gone.
    - Green belt is green belt for a reason.
    - These estates are for people commuting to the city, not for local people.
    - More houses means more traffic, more pressure on everything, and nothing for people
      who already live here.
    - We moved here because it was a small town. It won't be for much longer.
""")
HOUSING_AGAINST_REASONS = _bullets("""
    - Nobody asked the people who already live here.
    - The character of the town is being lost.
""")
HOUSING_AGAINST_SHORT = _bullets("""
    - No more houses
    - Stop building on green fields
""")

HOUSING_DESIGN = _bullets("""
    - Build family houses with gardens, not just tiny flats.
    - New homes should have solar panels and heat pumps as standard, not bolted on later.
    - Bungalows for older people who want to downsize would free up family homes.
    - Design matters. The new estate at Holloway Fields looks like everywhere else in the
      country.
    - [owner] Proper space standards please. Some new flats are smaller than my garage.
    - Trees, green space and a play area in every new development.
    - Homes that are accessible from the start, with level access and wider doors.
""")
HOUSING_DESIGN_REASONS = _bullets("""
    - We'll be living with these buildings for a hundred years.
    - It's cheaper to build it right than to retrofit it later.
""")
HOUSING_DESIGN_SHORT = _bullets("""
    - bungalows for older people
    - family homes with gardens
""")

HOUSING_RENTING = _bullets("""
    - Landlords get away with damp and mould. License them and inspect properly.
    - Too many family homes in Eastgate are being turned into HMOs.
    - [renter|social] My flat has had black mould for two winters and the landlord does nothing.
    - People are scared to complain in case they get evicted.
    - [renter] Rent goes up every year with no improvements at all.
    - [owner] Most landlords are decent. Don't punish all of us with licensing fees for a few bad
      ones.
""")
HOUSING_RENTING_REASONS = _bullets("""
    - Children are getting ill from living in damp homes.
    - Tenants need someone on their side.
""")
HOUSING_RENTING_SHORT = _bullets("""
    - Sort out bad landlords
    - damp and mould
""")

HOUSING_EMPTY = _bullets("""
    - There are empty homes all over town. Bring them back into use before building new.
    - More people are sleeping in doorways on the high street than I've ever seen.
    - Families are stuck in B&Bs for months. That's no way to bring up children.
    - Charge much more council tax on second homes and long-term empty properties.
    - Supported housing for young people leaving care.
""")
HOUSING_EMPTY_REASONS = _bullets("""
    - It's a national scandal and Riverside is no different.
    - It costs the council more to keep families in B&Bs than to house them properly.
""")
HOUSING_EMPTY_SHORT = _bullets("""
    - use the empty homes
    - help the homeless
""")

HOUSING_INTROS: dict[str, tuple[str, ...]] = {
    "renter": _bullets("""
        - I rent privately and I'm on my third flat in four years.
        - We rent and pay over half our income on rent.
    """),
    "social": _bullets("""
        - I'm a council tenant on the Kingsmead estate.
    """),
    "owner": _bullets("""
        - I own my home so I'm lucky.
        - We've lived in the same house for 25 years.
    """),
    "young": _bullets("""
        - I still live with my parents and can't see how I'll ever move out.
    """),
    "young_adult": _bullets("""
        - I've basically given up on ever buying a home.
    """),
    "older": _bullets("""
        - I've lived in Riverside all my life.
        - My children and grandchildren all live locally, for now.
    """),
}

HOUSING_THEMES = (
    _Theme(
        "affordable_and_social_housing",
        26,
        HOUSING_AFFORDABLE,
        HOUSING_AFFORDABLE_REASONS,
        HOUSING_AFFORDABLE_SHORT,
        {"young": 2.5, "young_adult": 2.5, "renter": 2.0, "social": 1.6, "owner": 0.7},
    ),
    _Theme(
        "brownfield_first",
        20,
        HOUSING_BROWNFIELD,
        HOUSING_BROWNFIELD_REASONS,
        HOUSING_BROWNFIELD_SHORT,
        {"owner": 1.3},
    ),
    _Theme(
        "infrastructure_first",
        16,
        HOUSING_INFRA,
        HOUSING_INFRA_REASONS,
        HOUSING_INFRA_SHORT,
        {"older": 1.8, "parent": 1.4, "young": 0.5},
    ),
    _Theme(
        "against_more_building",
        9,
        HOUSING_AGAINST,
        HOUSING_AGAINST_REASONS,
        HOUSING_AGAINST_SHORT,
        {"older": 2.2, "owner": 1.8, "car": 1.3, "young": 0.2, "renter": 0.3},
        tones={"angry": 0.4, "resigned": 0.25, "neutral": 0.35},
    ),
    _Theme(
        "design_and_type_of_homes",
        10,
        HOUSING_DESIGN,
        HOUSING_DESIGN_REASONS,
        HOUSING_DESIGN_SHORT,
        {"older": 1.3},
    ),
    _Theme(
        "private_renting",
        9,
        HOUSING_RENTING,
        HOUSING_RENTING_REASONS,
        HOUSING_RENTING_SHORT,
        {"renter": 3.5, "owner": 0.4},
    ),
    _Theme(
        "empty_homes_and_homelessness",
        7,
        HOUSING_EMPTY,
        HOUSING_EMPTY_REASONS,
        HOUSING_EMPTY_SHORT,
        {},
    ),
)

_DEFAULT_TONES = {
    "angry": 0.2,
    "constructive": 0.35,
    "resigned": 0.12,
    "appreciative": 0.08,
    "neutral": 0.25,
}

OPEN_TEXT_QUESTIONS = (
    _TextQuestion(
        "buses",
        BUS_THEMES,
        BUS_INTROS,
        {
            "angry": 0.28,
            "constructive": 0.3,
            "resigned": 0.15,
            "appreciative": 0.04,
            "neutral": 0.23,
        },
        0.66,
        {"no_car": 1.3, "older": 1.1},
    ),
    _TextQuestion("parks", PARK_THEMES, PARK_INTROS, _DEFAULT_TONES, 0.55, {"parent": 1.35}),
    _TextQuestion(
        "bins",
        BINS_THEMES,
        BINS_INTROS,
        {"angry": 0.35, "constructive": 0.3, "resigned": 0.1, "neutral": 0.25},
        0.6,
        {"parent": 1.2},
    ),
    _TextQuestion(
        "libraries",
        LIB_THEMES,
        LIB_INTROS,
        {
            "constructive": 0.35,
            "appreciative": 0.2,
            "resigned": 0.1,
            "angry": 0.08,
            "neutral": 0.27,
        },
        0.42,
        {"older": 1.4, "parent": 1.3, "young_adult": 0.8},
    ),
    _TextQuestion(
        "housing",
        HOUSING_THEMES,
        HOUSING_INTROS,
        _DEFAULT_TONES,
        0.46,
        {"young": 1.3, "young_adult": 1.4, "renter": 1.2},
    ),
)

# ---------------------------------------------------------------------------------------
# Whole answers written out in full. Each becomes one individual's response (its other
# answers are composed as usual). `persona` pins what the text implies about its writer;
# `kind` labels it: story, personal_data, abuse, spam or no_comment.
# ---------------------------------------------------------------------------------------

HANDWRITTEN_ANSWERS: tuple[dict, ...] = (
    # stories and strong views
    {
        "question": "buses",
        "kind": "story",
        "persona": {"disabled": True, "car": False, "age_band": "45-54"},
        "text": (
            "I'm a wheelchair user and I live in Kingsmead. Last Tuesday I waited at the "
            "Kingsmead shops stop for the 12 and the first bus had a pram in the space, the "
            "second didn't stop at all and the third had a broken ramp. I was an hour and a "
            "half late for my physio. This happens every single week. I don't want special "
            "treatment, I just want to be able to get on a bus like everyone else. Please "
            "make the operator fix the ramps and tell drivers they have to ask people to move "
            "buggies. And put a proper kerb at Kingsmead shops."
        ),
    },
    {
        "question": "buses",
        "kind": "story",
        "persona": {"age_band": "35-44", "car": False, "gender": "woman"},
        "text": (
            "I'm a nurse at Riverside General and I do nights. There is no bus that gets me "
            "to the hospital for a 9.30pm start, and none that gets me home at 8am that "
            "doesn't mean a 40 minute wait at the bus station. I spend about £60 a week on "
            "taxis. Half my ward is in the same position. The hospital is the biggest "
            "employer in town, surely the buses should be planned around it?"
        ),
    },
    {
        "question": "buses",
        "kind": "story",
        "persona": {"age_band": "16-24"},
        "text": (
            "im 16 and my mum cant afford for me to get the bus to college every day so i "
            "walk 45 mins each way along the river path. in winter its pitch black. free "
            "or cheap buses for students would be life changing tbh"
        ),
    },
    {
        "question": "buses",
        "kind": "story",
        "persona": {"age_band": "55-64", "car": True},
        "text": (
            "Unpopular opinion probably but I'd happily pay a bit more council tax if it "
            "meant a decent bus service. I drive because I have to, not because I want to."
        ),
    },
    {
        "question": "parks",
        "kind": "story",
        "persona": {"age_band": "35-44", "parent": True, "gender": "man"},
        "text": (
            "My daughter cut her hand open on broken glass under the big slide in Millbrook "
            "Park in August. Three stitches. When I reported it the council said the "
            "playground is inspected weekly. It clearly isn't, or if it is nobody is looking "
            "at the ground. The safety surface is worn through to bare earth in places and "
            "the bark is full of glass and cans. Other parents I've spoken to have stopped "
            "going. I'd also say the toilets being locked by 4pm is a big problem for anyone "
            "with small kids. Please sort the basics before spending money on anything else."
        ),
    },
    {
        "question": "parks",
        "kind": "story",
        "persona": {"age_band": "25-34", "gender": "woman"},
        "text": (
            "I used to cut through the park on the river path to get home from the station. "
            "After a man followed me last winter I don't any more, I walk the long way round "
            "on the main road which takes twenty minutes longer. Lighting, cutting back the "
            "bushes and maybe a help point would make a real difference. I know I'm not the "
            "only one."
        ),
    },
    {
        "question": "parks",
        "kind": "story",
        "persona": {"age_band": "65-74"},
        "text": "Leave it alone. It's lovely as it is. Just empty the bins.",
    },
    {
        "question": "bins",
        "kind": "story",
        "persona": {"age_band": "35-44", "parent": True},
        "text": (
            "There are seven of us in a three-bed terrace on Cromwell Street: me, my husband, "
            "my mum and four kids, one in nappies. We recycle, we use the food caddy, we do "
            "everything we're asked. The black bin is still full after ten days. We have no "
            "front garden and a tiny yard, so there is literally nowhere to put a second "
            "bin. Three-weekly would mean bags piling up in the yard for a week and a half in "
            "summer. If you go ahead, please at least let big households apply for a bigger "
            "bin without a battle."
        ),
    },
    {
        "question": "bins",
        "kind": "story",
        "persona": {"age_band": "45-54"},
        "text": (
            "We've been trying to go zero waste for two years and we put our black bin out "
            "about once every six weeks. So three-weekly is no problem for us. I do think the "
            "council needs to make recycling easier though: soft plastics, textiles and small "
            "electricals should all be collected from the kerb. And a repair cafe at the "
            "library would help too."
        ),
    },
    {
        "question": "bins",
        "kind": "story",
        "persona": {"age_band": "75+"},
        "text": "I'm 84. I won't remember which week it is. Please don't.",
    },
    {
        "question": "libraries",
        "kind": "story",
        "persona": {"age_band": "75+", "gender": "man"},
        "text": (
            "Since my wife died two years ago the library has been a big part of my week. I "
            "go to the warm space on Tuesdays and Thursdays, read the papers, and the staff "
            "always have a word. Last winter I couldn't afford to heat the house all day so "
            "it honestly made a difference to my health. Please don't cut the hours or the "
            "warm spaces. The staff deserve a medal."
        ),
    },
    {
        "question": "libraries",
        "kind": "story",
        "persona": {"age_band": "16-24"},
        "text": (
            "I did all my A level revision in the central library because there's 6 of us "
            "in a small flat and nowhere to work. Now I'm at uni. Please keep the study "
            "tables and the wifi and open later in exam season, it genuinely changed things "
            "for me."
        ),
    },
    {
        "question": "libraries",
        "kind": "story",
        "persona": {"age_band": "35-44", "parent": True},
        "text": (
            "Rhyme time at Eastgate library got me through maternity leave. I didn't know "
            "anyone in Riverside and it's where I met my friends. More of that please, and "
            "at weekends for working parents."
        ),
    },
    {
        "question": "housing",
        "kind": "story",
        "persona": {"age_band": "25-34", "tenure": "renter"},
        "text": (
            "My partner is a teaching assistant and I work in a warehouse. Between us we "
            "earn about £48k and we pay £1,150 a month for a one-bed flat with damp in the "
            "bedroom. We've been saving for a deposit for five years and house prices go up "
            "faster than we can save. Every new development in Riverside is four-bed houses "
            "for £400k or tiny flats sold to investors. Build homes for people who actually "
            "work here. Council homes, or at least genuinely affordable ones, on the "
            "gasworks and Station Quarter."
        ),
    },
    {
        "question": "housing",
        "kind": "story",
        "persona": {"age_band": "65-74", "tenure": "owner", "car": True},
        "text": (
            "I have lived on Ashby Road for 38 years. The fields behind us are the last green "
            "space on this side of town and they flood every winter. Building 600 homes there "
            "would be madness. There are no school places, you can't get a GP appointment and "
            "the road is already at a standstill at 8am. I'm not against houses, build them "
            "on the gasworks, but not there."
        ),
    },
    {
        "question": "housing",
        "kind": "story",
        "persona": {"age_band": "55-64", "tenure": "owner"},
        "text": (
            "As a small landlord with two flats in Eastgate I'd ask the council to think "
            "carefully about licensing. I fix things the same week. The bad landlords won't "
            "pay the fee anyway and the good ones will pass it on in rent. Enforce against "
            "the bad ones instead."
        ),
    },
    # personal data that moderation must redact before anything is published
    {
        "question": "buses",
        "kind": "personal_data",
        "persona": {"age_band": "75+", "gender": "woman"},
        "text": (
            "I have written to you about the 12 three times and had no reply. The bus is "
            "either late or doesn't come. Please ring me on 07700 900123, I'm usually in "
            "after 6. Margaret"
        ),
    },
    {
        "question": "buses",
        "kind": "personal_data",
        "persona": {"age_band": "45-54", "parent": True},
        "text": (
            "My daughter (14) was refused travel on the 7 at the Eastgate stop at 8.10am on "
            "3 November because the driver said her pass had expired, it hadn't. She was "
            "left standing in the rain. We live at RV4 2JD. I want this investigated."
        ),
    },
    {
        "question": "bins",
        "kind": "personal_data",
        "persona": {"age_band": "55-64"},
        "text": (
            "Our bins at 14 Ashby Road have been missed four weeks running. How are we "
            "supposed to manage three-weekly when you can't do fortnightly? Email me at "
            "j.harris@example.com if you need the details."
        ),
    },
    {
        "question": "bins",
        "kind": "personal_data",
        "persona": {"age_band": "75+", "disabled": True},
        "text": (
            "I need an assisted collection and have asked three times. Mr K. Osei, 9 "
            "Kingsmead Close, RV5 1QT. Phone 07700 900321."
        ),
    },
    {
        "question": "parks",
        "kind": "personal_data",
        "persona": {"age_band": "55-64", "gender": "man"},
        "text": (
            "I run a volunteer litter pick every Sunday at 10am from the bandstand. Anyone "
            "who wants to join can email me at dave.millbrook@example.org or text 07700 "
            "900456. The council could help by lending us grabbers and collecting the bags."
        ),
    },
    {
        "question": "libraries",
        "kind": "personal_data",
        "persona": {"age_band": "35-44", "ethnicity": "asian"},
        "text": (
            "I'd happily volunteer to run a chess club for kids at the central library on "
            "Saturdays. Contact me: priya.s@example.com or 07700 900789."
        ),
    },
    {
        "question": "housing",
        "kind": "personal_data",
        "persona": {"age_band": "25-34", "tenure": "renter", "parent": True},
        "text": (
            "I have been on the housing register for six years. I live at Flat 3, 22 "
            "Holloway Lane, RV2 4AB with my two children and there is damp in every room. "
            "My youngest has asthma. Nobody from the council has ever been out."
        ),
    },
    # abuse and spam, for the moderation queue
    {
        "question": "buses",
        "kind": "abuse",
        "persona": {"age_band": "45-54", "gender": "man"},
        "text": "The buses are crap and so is this council. Useless, the lot of you.",
    },
    {
        "question": "bins",
        "kind": "abuse",
        "persona": {"age_band": "35-44"},
        "text": (
            "whoever came up with three weekly bins is a complete idiot. bloody "
            "ridiculous, try living with it yourselves"
        ),
    },
    {
        "question": "housing",
        "kind": "abuse",
        "persona": {"age_band": "55-64"},
        "text": (
            "The councillors are a bunch of crooks lining their own pockets with "
            "developers' money. Shame on the lot of you."
        ),
    },
    {
        "question": "parks",
        "kind": "spam",
        "persona": {},
        "text": "Earn £500 a day working from home!!! Visit http://easy-money.example.net now",
    },
    {
        "question": "libraries",
        "kind": "spam",
        "persona": {},
        "text": (
            "Best prices on car insurance >>> www.cheap-cover.example.com <<< get a quote "
            "in 2 minutes"
        ),
    },
    # nothing to say
    {
        "question": "libraries",
        "kind": "no_comment",
        "persona": {},
        "text": "Don't use them so can't say.",
    },
    {
        "question": "housing",
        "kind": "no_comment",
        "persona": {},
        "text": "Not my area, no comment.",
    },
    {"question": "parks", "kind": "no_comment", "persona": {}, "text": "Never go there."},
)

# Organisations: each answers the free-text questions it cares about, in its own words.
ORGANISATION_RESPONSES: tuple[dict, ...] = (
    {
        "name": "Riverside Bus Users' Group",
        "answers": {
            "buses": (
                "Our members' surveys show that reliability, not frequency, is the top "
                "concern: 41% of journeys on route 12 logged by members in September ran more "
                "than ten minutes late or not at all. We ask the council to (1) use its "
                "Enhanced Partnership to set punctuality targets with penalties, (2) restore "
                "evening services to Kingsmead and Holloway Fields, (3) fund real-time "
                "displays at the twenty busiest stops, and (4) allow concessionary passes "
                "before 9.30am for medical appointments. We would welcome a seat on any bus "
                "improvement board."
            ),
        },
    },
    {
        "name": "Riverside Cycle Forum",
        "answers": {
            "buses": (
                "Buses and bikes are allies, not rivals. The quickest win for congestion is a "
                "continuous, protected cycle route from Kingsmead to Station Quarter along "
                "the river, plus secure cycle parking at the station and the bus station. The "
                "current painted lanes on Holloway Lane and Ashby Road end abruptly and are "
                "routinely parked in. We'd urge the council to adopt a network plan and "
                "build one complete route properly rather than scattering short sections."
            ),
        },
    },
    {
        "name": "Friends of Millbrook Park",
        "answers": {
            "parks": (
                "The Friends group has 140 members and contributed over 2,000 volunteer hours "
                "last year. Our priorities are: reopening the toilets all day, replacing the "
                "play equipment that has been taped off since spring, lighting the main river "
                "path (with bat-friendly lighting), and a proper agreement with the council "
                "so volunteers can do more, for example planting and litter picks, with "
                "insurance and equipment provided. We support leaving some areas unmown but "
                "ask that edges are cut so it looks intentional."
            ),
            "bins": (
                "We are concerned that reduced collections will increase dumping at the park gates."
            ),
        },
    },
    {
        "name": "Kingsmead Tenants' and Residents' Association",
        "answers": {
            "bins": (
                "Kingsmead's blocks share communal bins that already overflow by the end of a "
                "fortnight, and bulky waste is dumped weekly behind the shops. Three-weekly "
                "collections would be unworkable here without more bin capacity, weekly "
                "food waste and faster fly-tipping removal. We ask that flats and estates are "
                "treated separately in any new policy."
            ),
            "housing": (
                "Repairs are our members' biggest complaint: damp, mould and broken lifts "
                "reported months ago. Before building new homes, bring the existing council "
                "homes up to standard. When new homes are built, they should be at social "
                "rent and local people on the register should get priority."
            ),
        },
    },
    {
        "name": "Riverside Chamber of Trade",
        "answers": {
            "buses": (
                "Footfall on the high street is down 14% since 2019. Traders want a reliable "
                "bus service AND affordable short-stay parking; the two are not in conflict. "
                "We would support an evening bus service to help the hospitality sector but "
                "object to further loss of parking on Eastgate Road."
            ),
            "housing": (
                "We strongly support bringing empty space above shops back into use as homes. "
                "More people living in the town centre means more customers. The council "
                "should offer grants and simplify planning for conversions."
            ),
        },
    },
    {
        "name": "Eastgate Youth Project",
        "answers": {
            "buses": (
                "The young people we work with told us fares are the biggest barrier to "
                "college, jobs and activities. A 16-year-old on an apprenticeship can spend a "
                "fifth of their pay on travel. Please look at free or £1 travel for under-19s "
                "and buses after 10pm."
            ),
            "libraries": (
                "Young people want somewhere warm, free and safe to be after school that isn't "
                "the street. Longer opening, study space, free wifi and printing, and staff "
                "who are happy to have teenagers there."
            ),
        },
    },
    {
        "name": "Riverside Older People's Forum",
        "answers": {
            "buses": (
                "Our members rely on buses to reach the hospital, GP and shops. The 9.30am "
                "restriction on bus passes, the loss of the direct hospital route and drivers "
                "moving off before people are seated are the issues raised most often. "
                "Printed timetables must stay."
            ),
            "libraries": (
                "Libraries are vital for older people: large print and audiobooks, help with "
                "getting online, and above all company. The warm spaces scheme was valued "
                "enormously and should be permanent. Please do not reduce morning hours."
            ),
        },
    },
    {
        "name": "Riverside Community Housing Trust",
        "answers": {
            "housing": (
                "The Trust has 1,900 homes in the borough and a waiting list that has doubled "
                "in five years. We would welcome a partnership with the council to build on "
                "the former gasworks and council-owned sites in Station Quarter, with at least "
                "half the homes at social rent. We also support a local standard for energy "
                "efficiency so new tenants are not left with unaffordable bills."
            ),
        },
    },
    {
        "name": "St Mark's Community Pantry",
        "answers": {
            "libraries": (
                "Many of the families who use our pantry also use the library's warm space, "
                "free wifi and printing. We'd like to run a weekly pop-up at the central "
                "library and would ask the council to keep printing free for job seekers."
            ),
        },
    },
    {
        "name": "Riverside Wildlife Trust",
        "answers": {
            "parks": (
                "Millbrook Park and the river corridor hold the borough's best populations of "
                "bats, kingfishers and water voles. We support wildflower areas, a reduced "
                "mowing regime and new native tree planting, and ask that any new lighting on "
                "the river path is low-level and warm-coloured to protect bat commuting routes."
            ),
            "housing": (
                "Development should avoid the Ashby Road water meadows, which are functional "
                "floodplain and a priority habitat. Brownfield sites should come first."
            ),
        },
    },
)

# ---------------------------------------------------------------------------------------
# The closed consultation: the Millbrook Park masterplan.
# ---------------------------------------------------------------------------------------

MP_SUPPORT_PLAY = _bullets("""
    - [parent] The new playground is long overdue. The inclusive equipment means my son can finally
      play with his sister.
    - Love the splash pad idea. Somewhere free to cool off in the summer holidays.
    - Replacing the old playground is the best part of the plan, the current one is falling
      apart.
    - The separate toddler area with a fence is exactly what parents asked for.
    - Really pleased to see play for older children, not just toddlers.
    - Accessible swings and a roundabout a wheelchair can roll onto. Brilliant.
""")
MP_SUPPORT_CAFE = _bullets("""
    - Reopening the pavilion as a café with toilets open all day will bring the park back to
      life.
    - Proper toilets, open all day, at last.
    - The café in the old pavilion is a lovely idea, as long as it's affordable.
    - [parent|disabled] A Changing Places toilet in the pavilion makes the park usable for
      families like ours.
    - Somewhere to get a cup of tea and sit down is what will get older people using the park
      again.
""")
MP_SUPPORT_LIGHT = _bullets("""
    - The lighting on the river path is the most important thing in the plan for me.
    - Low-level lighting on the main path means I can walk home from the station through the
      park again.
    - Glad the lighting is designed around the bats, that's a sensible compromise.
    - Lighting and cutting back the undergrowth by the river will make a huge difference to
      safety.
""")
MP_SUPPORT_NATURE = _bullets("""
    - 400 new trees and the wildflower meadows, yes please.
    - The wetland at the Eastgate end is clever: more wildlife and it holds the flood water.
    - I support the meadows and the reduced mowing. It's better for bees and cheaper.
    - The wetland boardwalk will be great for school visits.
    - More trees along the Ashby Road edge will cut the traffic noise too.
""")
MP_SUPPORT_YOUTH = _bullets("""
    - Finally something for teenagers. The skate park and the games area are great.
    - The multi-use games area will get so much use, the old court is a wreck.
    - Giving young people their own space is much better than moving them on all the time.
""")
MP_SUPPORT_DOGS = _bullets("""
    - The fenced dog area is a great idea for dog owners and for families.
    - [dog] As a dog walker I'm happy to have our own space, it keeps everyone happy.
""")

MP_CHANGE_PARKING = _bullets("""
    - Drop the car park extension. Turning grass into 50 more parking spaces goes against
      everything else in the plan.
    - Don't extend the car park. Put the money into a better bus to the park instead.
    - The bigger car park will just fill up with commuters going to the station.
    - More parking is needed, the current car park is full every weekend and people park on
      Millbrook Road.
    - If the car park must grow, use permeable surfacing and plant trees between the bays.
    - Losing part of the top meadow for cars is a mistake.
""")
MP_CHANGE_EVENTS = _bullets("""
    - An events lawn for 3,000 people will mean noise and litter for those of us who live
      next to the park.
    - Limit the number of big events a year and finish them by 10pm.
    - Events will damage the grass and then half the park is fenced off to recover.
    - The events lawn is fine but who cleans up afterwards?
""")
MP_CHANGE_TREES = _bullets("""
    - Don't fell the lime avenue for the new path. Those trees are over a hundred years old.
    - Route the new path around the old limes, not through them.
    - Planting 400 saplings doesn't make up for cutting down six mature trees.
""")
MP_CHANGE_MAINTENANCE = _bullets("""
    - Who is going to maintain all this? The current playground fell apart because nobody
      looked after it.
    - Set aside money for maintenance, not just for building it.
    - A park ranger should be part of the plan, otherwise it'll be vandalised in a year.
    - Bins emptied daily in summer or the new park will look as bad as the old one.
""")
MP_CHANGE_ACCESS = _bullets("""
    - More benches along the paths, every 100 metres or so, for people who can't walk far.
    - Make sure all the paths are wide and smooth enough for wheelchairs and double buggies.
    - Add an entrance from the Kingsmead side, at the moment it's a long walk round.
    - Signs in braille and an accessible map at each gate.
""")
MP_CHANGE_PHASING = _bullets("""
    - Please don't close the whole park while the work is done. Do it in phases.
    - Keep the old playground open until the new one is finished.
    - How long will the building work take? Tell us the timetable.
""")

MP_SUPPORT_THEMES = (
    _Theme(
        "new_playground", 30, MP_SUPPORT_PLAY, PARK_PLAY_REASONS, PARK_PLAY_SHORT, {"parent": 3.0}
    ),
    _Theme(
        "cafe_and_toilets",
        18,
        MP_SUPPORT_CAFE,
        PARK_FACILITIES_REASONS,
        PARK_FACILITIES_SHORT,
        {"older": 2.0, "disabled": 2.0},
    ),
    _Theme(
        "river_path_lighting",
        16,
        MP_SUPPORT_LIGHT,
        PARK_SAFETY_REASONS,
        PARK_SAFETY_SHORT,
        {"woman": 1.7},
    ),
    _Theme(
        "trees_meadows_and_wetland",
        18,
        MP_SUPPORT_NATURE,
        PARK_NATURE_REASONS,
        PARK_NATURE_SHORT,
        {"young_adult": 1.3},
    ),
    _Theme(
        "skate_park_and_games_area",
        10,
        MP_SUPPORT_YOUTH,
        PARK_YOUTH_REASONS,
        PARK_YOUTH_SHORT,
        {"young": 4.0, "older": 0.4},
    ),
    _Theme("dog_area", 8, MP_SUPPORT_DOGS, PARK_DOGS_REASONS, PARK_DOGS_SHORT, {"dog": 3.0}),
)
MP_CHANGE_THEMES = (
    _Theme(
        "car_park_extension",
        30,
        MP_CHANGE_PARKING,
        _bullets("""
            - It's a park, not a car park.
            - People need to be able to get there.
        """),
        _bullets("""
            - no bigger car park
            - Drop the car park extension.
        """),
        {"car": 1.2},
    ),
    _Theme(
        "events_and_noise",
        14,
        MP_CHANGE_EVENTS,
        _bullets("""
            - We live here all year, not just for one weekend.
        """),
        _bullets("""
            - limit events
        """),
        {"older": 1.5},
    ),
    _Theme(
        "save_the_lime_avenue",
        16,
        MP_CHANGE_TREES,
        PARK_NATURE_REASONS,
        _bullets("""
            - Save the limes!
            - keep the old trees
        """),
        {},
    ),
    _Theme(
        "maintenance_and_funding",
        18,
        MP_CHANGE_MAINTENANCE,
        PARK_LITTER_REASONS,
        _bullets("""
            - Who will maintain it?
        """),
        {"older": 1.3},
    ),
    _Theme(
        "access_and_benches",
        12,
        MP_CHANGE_ACCESS,
        PARK_FACILITIES_REASONS,
        _bullets("""
            - more benches
        """),
        {"older": 2.0, "disabled": 3.0},
    ),
    _Theme(
        "phasing_of_works",
        8,
        MP_CHANGE_PHASING,
        _bullets("""
            - Families rely on the park every day.
        """),
        _bullets("""
            - do it in phases
        """),
        {"parent": 2.0},
    ),
)

MP_TEXT_QUESTIONS = (
    _TextQuestion(
        "support",
        MP_SUPPORT_THEMES,
        PARK_INTROS,
        {"appreciative": 0.35, "constructive": 0.4, "neutral": 0.25},
        0.8,
    ),
    _TextQuestion(
        "change",
        MP_CHANGE_THEMES,
        PARK_INTROS,
        {"angry": 0.15, "constructive": 0.45, "resigned": 0.1, "neutral": 0.3},
        0.72,
    ),
)

MP_HANDWRITTEN: tuple[dict, ...] = (
    {
        "question": "change",
        "kind": "personal_data",
        "persona": {"age_band": "65-74"},
        "text": (
            "I live at 3 Millbrook Road, directly opposite the car park entrance. The "
            "extension would put 90 cars outside my window. Please call me on 07700 900654 "
            "before any decision is made."
        ),
    },
    {
        "question": "support",
        "kind": "story",
        "persona": {"age_band": "35-44", "parent": True, "disabled": False},
        "text": (
            "My son uses a wheelchair and there is currently nothing in Millbrook Park he "
            "can play on. The inclusive playground in the plan would mean we could go to our "
            "local park like every other family instead of driving 40 minutes. Please build "
            "it first."
        ),
    },
    {
        "question": "change",
        "kind": "abuse",
        "persona": {"age_band": "45-54"},
        "text": "Another vanity project from idiots who never set foot in the park.",
    },
)

# ---------------------------------------------------------------------------------------
# Respondents: a hidden persona drives what people write and choose; "about you" is what
# they chose to tell us, which may be less.
# ---------------------------------------------------------------------------------------

PREFER_NOT = "prefer_not_to_say"
AGE_BANDS = ("16-24", "25-34", "35-44", "45-54", "55-64", "65-74", "75+")
RESPONDENT_AGE_WEIGHTS = (5, 11, 17, 18, 20, 18, 11)  # consultations skew older
GENDERS = ("woman", "man", "non_binary", "self_describe")
GENDER_WEIGHTS = (55, 42.5, 1.8, 0.7)
ETHNICITIES = ("white", "asian", "black", "mixed", "other")  # ONS high-level groups
ETHNICITY_WEIGHTS = (85, 7.5, 3, 3, 1.5)
DISTRICTS = ("RV1", "RV2", "RV3", "RV4", "RV5", "RV6")
DISTRICT_WEIGHTS = (18, 15, 20, 17, 16, 14)

_PARENT_BY_AGE = dict(zip(AGE_BANDS, (0.04, 0.4, 0.66, 0.45, 0.1, 0.02, 0.0), strict=True))
_GRANDPARENT_BY_AGE = dict(zip(AGE_BANDS, (0, 0, 0, 0.03, 0.3, 0.5, 0.45), strict=True))
_DISABLED_BY_AGE = dict(zip(AGE_BANDS, (0.08, 0.09, 0.12, 0.16, 0.2, 0.25, 0.38), strict=True))
_CAR_BY_AGE = dict(zip(AGE_BANDS, (0.35, 0.7, 0.82, 0.85, 0.85, 0.78, 0.55), strict=True))
_TENURE_BY_AGE = {  # owner, renter (private), social
    "16-24": (0.35, 0.5, 0.15),
    "25-34": (0.4, 0.45, 0.15),
    "35-44": (0.6, 0.25, 0.15),
    "45-54": (0.68, 0.17, 0.15),
    "55-64": (0.76, 0.09, 0.15),
    "65-74": (0.8, 0.06, 0.14),
    "75+": (0.78, 0.06, 0.16),
}


@dataclass
class _Persona:
    age_band: str
    gender: str
    ethnicity: str
    district: str
    disabled: bool
    parent: bool
    grandparent: bool
    car: bool
    tenure: str  # owner, renter, social
    dog: bool

    @property
    def tags(self) -> frozenset[str]:
        tags = {self.gender, self.tenure, "car" if self.car else "no_car"}
        if self.age_band == "16-24":
            tags.add("young")
        elif self.age_band == "25-34":
            tags.add("young_adult")
        elif self.age_band in ("65-74", "75+"):
            tags.add("older")
            if self.age_band == "75+":
                tags.add("very_old")
        for flag in ("disabled", "parent", "grandparent", "dog"):
            if getattr(self, flag):
                tags.add(flag)
        return frozenset(tags)


def _weighted(rng: random.Random, options, weights):
    return rng.choices(options, weights=weights, k=1)[0]


def _make_persona(rng: random.Random, overrides: dict | None = None) -> _Persona:
    o = overrides or {}
    age = o.get("age_band") or _weighted(rng, AGE_BANDS, RESPONDENT_AGE_WEIGHTS)
    district = o.get("district") or _weighted(rng, DISTRICTS, DISTRICT_WEIGHTS)
    disabled = o.get("disabled", rng.random() < _DISABLED_BY_AGE[age])
    car_p = _CAR_BY_AGE[age] - (0.15 if disabled else 0) - (0.12 if district == "RV3" else 0)
    return _Persona(
        age_band=age,
        gender=o.get("gender") or _weighted(rng, GENDERS, GENDER_WEIGHTS),
        ethnicity=o.get("ethnicity") or _weighted(rng, ETHNICITIES, ETHNICITY_WEIGHTS),
        district=district,
        disabled=disabled,
        parent=o.get("parent", rng.random() < _PARENT_BY_AGE[age]),
        grandparent=rng.random() < _GRANDPARENT_BY_AGE[age],
        car=o.get("car", rng.random() < car_p),
        tenure=o.get("tenure")
        or _weighted(rng, ("owner", "renter", "social"), _TENURE_BY_AGE[age]),
        dog=rng.random() < 0.24,
    )


def _about_you(rng: random.Random, p: _Persona) -> dict | None:
    """What the respondent chose to tell us: sometimes nothing, sometimes not everything."""
    if rng.random() < 0.12:
        return None

    def told(value: str, withheld: float) -> str:
        return PREFER_NOT if rng.random() < withheld else value

    return {
        "age_band": told(p.age_band, 0.03),
        "gender": told(p.gender, 0.04),
        "ethnicity": told(p.ethnicity, 0.05),
        "disability": told("yes" if p.disabled else "no", 0.07),
        "postcode_district": told(p.district, 0.04),
    }


# ---------------------------------------------------------------------------------------
# Composing free text.
# ---------------------------------------------------------------------------------------

_TYPOS = (
    ("don't", "dont"),
    ("can't", "cant"),
    ("I'm", "Im"),
    ("it's", "its"),
    ("there's", "theres"),
    ("doesn't", "doesnt"),
    ("isn't", "isnt"),
    ("won't", "wont"),
    (" the ", " teh "),
    ("their", "there"),
    ("because", "becuase"),
    ("really", "realy"),
    ("definitely", "definately"),
    ("which", "wich"),
    ("buses", "busses"),
    ("library", "libary"),
    ("separate", "seperate"),
    ("you're", "your"),
    (" and ", " & "),
    (", ", ","),
    (". ", ".  "),
    ("though", "tho"),
    ("people", "ppl"),
    ("please", "pls"),
)


@dataclass
class _TextState:
    """Per-consultation memory so fragments are spread out and answers don't repeat."""

    usage: dict[str, int] = field(default_factory=dict)
    seen: set[tuple[str, str]] = field(default_factory=set)
    short_used: set[str] = field(default_factory=set)

    def pick(
        self,
        rng: random.Random,
        pool: tuple[str, ...],
        tags: frozenset[str] = frozenset(),
        used: set[str] | None = None,
    ) -> str:
        """A fragment that suits the persona, not yet used in this answer, preferring the
        least used so far; a "[parent|dog] " prefix limits a fragment to those tags."""
        suitable = [f for f in pool if _suits(f, tags)] or [f for f in pool if not _FOR.match(f)]
        candidates = [f for f in suitable if f not in (used or ())] or suitable
        weights = [1.0 / (1 + self.usage.get(f, 0)) ** 2 for f in candidates]
        chosen = _weighted(rng, candidates, weights)
        self.usage[chosen] = self.usage.get(chosen, 0) + 1
        if used is not None:
            used.add(chosen)
        return _FOR.sub("", chosen)


_FOR = re.compile(r"^\[([a-z_|]+)\] ")


def _suits(fragment: str, tags: frozenset[str]) -> bool:
    m = _FOR.match(fragment)
    return m is None or bool(set(m.group(1).split("|")) & tags)


def _theme_weight(theme: _Theme, tags: frozenset[str]) -> float:
    weight = theme.weight
    for tag, factor in theme.bias.items():
        if tag in tags:
            weight *= factor
    return weight


def _choose_theme(rng, question: _TextQuestion, tags, exclude=None) -> _Theme:
    themes = [t for t in question.themes if t is not exclude]
    return _weighted(rng, themes, [_theme_weight(t, tags) for t in themes])


def _roughen(rng: random.Random, text: str, tone: str) -> str:
    """Lower case, typos, missing full stops, exclamation marks: how people really type."""
    if rng.random() < 0.14:
        applicable = [(a, b) for a, b in _TYPOS if a in text]
        for a, b in rng.sample(applicable, k=min(len(applicable), rng.randint(1, 3))):
            text = text.replace(a, b, 1 if a.startswith((" ", ".", ",")) else -1)
    if rng.random() < 0.09:
        text = text.lower()
    if tone == "angry" and text.endswith(".") and rng.random() < 0.35:
        text = text[:-1] + rng.choice(("!", "!!", "!!!"))
    elif text.endswith(".") and rng.random() < 0.1:
        text = text[:-1]
    return text


def _compose(
    rng: random.Random, q: _TextQuestion, persona: _Persona, state: _TextState
) -> tuple[str, list[str], str]:
    """One resident's free-text answer: (text, themes it was built from, tone)."""
    tags = persona.tags
    for _attempt in range(8):
        theme = _choose_theme(rng, q, tags)
        tone_weights = theme.tones or q.tones
        tone = _weighted(rng, list(tone_weights), list(tone_weights.values()))
        if rng.random() < 0.1:
            unused = [s for s in theme.short if s not in state.short_used]
            if unused:
                text = rng.choice(unused)
                state.short_used.add(text)
                return _roughen(rng, text, tone), [theme.name], tone
        size = _weighted(rng, ("one", "two", "long"), (0.36, 0.4, 0.24))
        themes = [theme.name]
        used: set[str] = set()

        def pick(pool: tuple[str, ...], used: set[str] = used) -> str:
            return _fill(rng, state.pick(rng, pool, tags, used))

        body = [pick(theme.points)]
        if size != "one" or rng.random() < 0.3:
            if size != "one" and rng.random() < 0.55:
                body.append(pick(theme.points))
            if rng.random() < 0.55:
                body.append(pick(theme.reasons))
        if size == "long" or (size == "two" and rng.random() < 0.2):
            other = _choose_theme(rng, q, tags, exclude=theme)
            themes.append(other.name)
            body.append(pick(other.points))
            if size == "long" and rng.random() < 0.4:
                body.append(pick(other.reasons))
        intro_pool = [
            s for tag, pool in q.intros.items() if tag in tags or tag == "any" for s in pool
        ]
        p_wrap = {"one": 0.15, "two": 0.3, "long": 0.55}[size]
        head, tail = [], []
        if intro_pool and rng.random() < p_wrap + 0.1:
            head.append(pick(tuple(intro_pool)))
        if tone != "neutral" and rng.random() < p_wrap:
            head.insert(0, pick(TONE_OPENINGS[tone]))
        if tone != "neutral" and rng.random() < p_wrap:
            tail.append(pick(TONE_CLOSINGS[tone]))
        sentences = head + body + tail
        if size == "long" and len(sentences) > 3 and rng.random() < 0.2:
            cut = rng.randint(2, len(sentences) - 1)
            text = " ".join(sentences[:cut]) + "\n\n" + " ".join(sentences[cut:])
        else:
            text = " ".join(sentences)
        text = _roughen(rng, text, tone)
        if (q.key, text.lower()) not in state.seen:
            break
    state.seen.add((q.key, text.lower()))
    return text, themes, tone


def _campaign_text(rng: random.Random) -> str:
    """The Save Our Weekly Bins letter, as one supporter sent it."""
    street = rng.choice(("our street",) * 3 + SLOTS["street"][:6] + ("the Kingsmead estate",))
    text = BINS_CAMPAIGN_TEMPLATE.replace("{street}", street)
    if rng.random() < 0.2:
        text = text.replace("I am writing", "I'm writing")
    if rng.random() < 0.12:
        text = text.replace(" Council tax keeps going up while services are cut.", "")
    if rng.random() < 0.4:
        extra = rng.choice(BINS_CAMPAIGN_EXTRAS)
        if rng.random() < 0.5:
            text = text.replace(" I urge the council", f" {extra} I urge the council")
        else:
            text = f"{text} {extra}"
    if rng.random() < 0.4:
        text = f"{text}\n\n{rng.choice(BINS_CAMPAIGN_SIGNOFFS)}"
    return text


# ---------------------------------------------------------------------------------------
# Structured answers, correlated with the persona and with what they wrote.
# ---------------------------------------------------------------------------------------

BUS_USE_OPTIONS = (
    {"value": "daily", "label": "Every day or almost every day"},
    {"value": "weekly", "label": "At least once a week"},
    {"value": "monthly", "label": "At least once a month"},
    {"value": "rarely", "label": "Less often than once a month"},
    {"value": "never", "label": "Never"},
)
SERVICES_OPTIONS = (
    {"value": "libraries", "label": "Libraries"},
    {"value": "leisure_centre", "label": "Riverside Leisure Centre"},
    {"value": "parks", "label": "Parks and open spaces"},
    {"value": "recycling_centre", "label": "Household recycling centre (the tip)"},
    {"value": "bus_pass", "label": "Older person's or disabled person's bus pass"},
    {"value": "housing", "label": "Council housing or housing advice"},
    {"value": "childrens_centres", "label": "Children's centres"},
    {"value": "adult_social_care", "label": "Adult social care"},
    {"value": "planning", "label": "Planning and building control"},
    {"value": "none", "label": "None of these"},
)
PRIORITY_OPTIONS = (
    {"value": "buses", "label": "Better buses and transport"},
    {"value": "green_spaces", "label": "Parks and green spaces"},
    {"value": "housing", "label": "Affordable housing"},
    {"value": "town_centre", "label": "A thriving town centre"},
    {"value": "community_safety", "label": "Safer streets and community safety"},
)
BUDGET_OPTIONS = (
    {"value": "roads", "label": "Roads and pavements"},
    {"value": "parks", "label": "Parks and green spaces"},
    {"value": "libraries", "label": "Libraries and community centres"},
    {"value": "youth", "label": "Youth services"},
    {"value": "homelessness", "label": "Preventing homelessness"},
)

_LIKERT_BY_TONE = {
    "angry": (42, 34, 14, 8, 2),
    "resigned": (26, 42, 22, 9, 1),
    "constructive": (12, 30, 33, 22, 3),
    "neutral": (14, 30, 32, 21, 3),
    "appreciative": (3, 12, 28, 46, 11),
    "campaign": (58, 32, 7, 3, 0),
}


def _bus_use(rng: random.Random, p: _Persona) -> str:
    if p.age_band == "16-24":
        weights = (45, 28, 12, 10, 5)
    elif not p.car:
        weights = (38, 36, 12, 9, 5)
    elif "older" in p.tags:
        weights = (6, 20, 22, 30, 22)
    else:
        weights = (3, 8, 12, 35, 42)
    return _weighted(rng, [o["value"] for o in BUS_USE_OPTIONS], weights)


def _services(rng: random.Random, p: _Persona) -> list[str]:
    tags = p.tags
    chance = {
        "libraries": 0.3 + 0.2 * ("older" in tags) + 0.25 * p.parent,
        "leisure_centre": 0.25 + 0.15 * ("young_adult" in tags) + 0.15 * p.parent,
        "parks": 0.65 + 0.2 * p.parent + 0.15 * p.dog,
        "recycling_centre": 0.5 if p.car else 0.12,
        "bus_pass": 0.8 if "older" in tags else (0.45 if p.disabled else 0.0),
        "housing": {"social": 0.6, "renter": 0.15}.get(p.tenure, 0.02),
        "childrens_centres": 0.4 if p.parent and p.age_band in ("25-34", "35-44") else 0.01,
        "adult_social_care": 0.15 if "older" in tags else (0.2 if p.disabled else 0.02),
        "planning": 0.1 if p.tenure == "owner" else 0.02,
    }
    chosen = [o["value"] for o in SERVICES_OPTIONS if rng.random() < chance.get(o["value"], 0)]
    return chosen or ["none"]


def _ranking(rng: random.Random, p: _Persona, wrote_about: set[str]) -> list[str]:
    tags = p.tags
    weights = {
        "buses": 1.0 + 1.5 * (not p.car) + 0.5 * ("older" in tags) + 1.5 * ("buses" in wrote_about),
        "green_spaces": 1.0 + 0.8 * p.parent + 0.5 * p.dog + 1.2 * ("parks" in wrote_about),
        "housing": 1.0
        + 1.5 * ("young" in tags or "young_adult" in tags)
        + 1.0 * (p.tenure != "owner")
        + 1.5 * ("housing" in wrote_about),
        "town_centre": 0.9 + 0.5 * p.car + 0.4 * ("older" in tags),
        "community_safety": 0.9 + 0.4 * (p.gender == "woman") + 0.4 * ("older" in tags),
    }
    order = []
    remaining = dict(weights)
    while remaining:  # Plackett-Luce: pick the next favourite in proportion to weight
        choice = _weighted(rng, list(remaining), list(remaining.values()))
        order.append(choice)
        del remaining[choice]
    return order


def _budget(rng: random.Random, p: _Persona, total: int = 100) -> dict[str, int]:
    keys = [o["value"] for o in BUDGET_OPTIONS]
    if rng.random() < 0.07:
        return dict.fromkeys(keys, total // len(keys))
    tags = p.tags
    lean = {
        "roads": 1.0 + 0.8 * p.car + 0.3 * ("older" in tags),
        "parks": 1.0 + 0.5 * p.parent + 0.3 * p.dog,
        "libraries": 0.8 + 0.5 * ("older" in tags) + 0.4 * p.parent,
        "youth": 0.7 + 0.6 * p.parent + 1.2 * ("young" in tags),
        "homelessness": 0.9 + 0.5 * (p.tenure != "owner") + 0.3 * ("young_adult" in tags),
    }
    raw = {k: lean[k] * rng.gammavariate(2.0, 1.0) for k in keys}
    if rng.random() < 0.25:
        raw[min(raw, key=raw.get)] = 0.0
    step = 5 if rng.random() < 0.7 else 1
    scale = sum(raw.values())
    amounts = {k: round(v / scale * total / step) * step for k, v in raw.items()}
    biggest = max(amounts, key=amounts.get)
    amounts[biggest] += total - sum(amounts.values())
    return amounts


# ---------------------------------------------------------------------------------------
# When responses arrive.
# ---------------------------------------------------------------------------------------

_HOUR_WEIGHTS = (
    0.3, 0.15, 0.08, 0.05, 0.05, 0.1, 0.35, 0.9, 1.5, 1.7, 1.6, 1.6,
    2.2, 2.3, 1.7, 1.5, 1.5, 1.6, 2.0, 2.6, 2.9, 2.7, 1.9, 0.9,
)  # fmt: skip


def _moment(rng: random.Random, day: date, earliest: datetime | None = None) -> str:
    hour = _weighted(rng, range(24), _HOUR_WEIGHTS)
    when = datetime(day.year, day.month, day.day, hour, rng.randrange(60), rng.randrange(60))
    if earliest and when < earliest:
        when = earliest + timedelta(minutes=rng.randrange(20, 600))
    return when.isoformat()


def _day_weights(days: int, spikes: dict[int, float], start: date) -> list[float]:
    weights = []
    for d in range(days):
        w = 0.9 + 2.0 * math.exp(-d / 2.0) + spikes.get(d, 0.0)
        if (start + timedelta(days=d)).weekday() >= 5:
            w *= 0.75
        weights.append(w)
    return weights


# ---------------------------------------------------------------------------------------
# The open consultation.
# ---------------------------------------------------------------------------------------

OPEN_OPENS = datetime(2026, 10, 23, 9, 0)
OPEN_DAYS = 28  # responses so far: the four weeks before 2026-11-20
# Riverside Gazette article (day 11), campaign post (day 14), reminder e-mail (day 24).
OPEN_SPIKES = {11: 1.3, 12: 0.5, 24: 0.9, 25: 0.4, 26: 0.4, 27: 0.6}
CAMPAIGN_DAYS = (14, 14, 14, 15, 15, 16, 17)
CAMPAIGN_SIZE = 25
OPEN_ORDINARY = 274

OPEN_BACKGROUND = """\
## Why we are asking

Riverside is changing. Around 4,800 new homes are planned over the next ten years, the
old bus station is coming to the end of its life, and the way people use the high street,
the libraries and Millbrook Park has changed a great deal since the pandemic. At the same
time the council must close a budget gap of £14.2 million over the next three years.

We want Riverside 2030, our plan for the next five years, to be shaped by the people who
live and work here. This consultation asks about five things that residents raise with us
most often:

- **buses and getting around**, including the future of the bus station
- **Millbrook Park** and our other parks and green spaces
- **bin collections**, including the proposal to collect general waste every three weeks
- **libraries**, and what they should offer in future
- **housing**: where and how new homes should be built

## The bin collection proposal

We currently collect general waste every two weeks, and recycling and food waste every
week. We propose to collect general waste every three weeks from April 2027, keeping
weekly food waste and recycling collections. Councils that have made this change have
seen recycling rates rise by around 8 percentage points. It would save an estimated
£1.1 million a year. Households with young children in nappies, medical waste or six or
more people would be able to ask for extra capacity.

## What happens next

Everything you tell us will be read. An independent summary of the responses will be
published in January 2027, together with the council's response to each of the main
themes. The transport findings will also go to the Riverside Citizens' Jury on Transport,
which meets in January and February 2027.
"""

OPEN_DOCUMENTS = (
    {
        "title": "Riverside 2030: background paper (PDF, 2.4 MB)",
        "url": "https://www.riverside.example/consultations/riverside-2030/background-paper.pdf",
    },
    {
        "title": "Bin collections: options appraisal and equality impact assessment",
        "url": "https://www.riverside.example/consultations/riverside-2030/bins-options.pdf",
    },
    {
        "title": "Bus Service Improvement Plan 2026 update",
        "url": "https://www.riverside.example/transport/bus-service-improvement-plan",
    },
    {
        "title": "Local Plan: draft site allocations (Station Quarter and the former gasworks)",
        "url": "https://www.riverside.example/planning/local-plan/site-allocations",
    },
    {
        "title": "Easy read version",
        "url": "https://www.riverside.example/consultations/riverside-2030/easy-read.pdf",
    },
)


def _open_questions() -> list[dict]:
    free = 2000
    return [
        {
            "key": "bus_use",
            "type": "single_choice",
            "prompt": "How often do you use the bus in Riverside?",
            "hint": "Think about a typical month.",
            "required": False,
            "options": [dict(o) for o in BUS_USE_OPTIONS],
        },
        {
            "key": "buses",
            "type": "free_text",
            "prompt": "What would make buses work better for you?",
            "hint": "For example routes, times, fares, stops or the bus station.",
            "required": False,
            "max_length": free,
        },
        {
            "key": "parks",
            "type": "free_text",
            "prompt": "How should we improve Millbrook Park and our other green spaces?",
            "hint": "Tell us what you would keep, change or add.",
            "required": False,
            "max_length": free,
        },
        {
            "key": "bins",
            "type": "free_text",
            "prompt": (
                "What do you think of the proposed changes to bin collections (moving to "
                "three-weekly general waste collections)?"
            ),
            "hint": "Recycling and food waste would still be collected every week.",
            "required": False,
            "max_length": free,
        },
        {
            "key": "libraries",
            "type": "free_text",
            "prompt": "What should our libraries offer in future?",
            "hint": "Think about opening hours, services, events and the buildings.",
            "required": False,
            "max_length": free,
        },
        {
            "key": "housing",
            "type": "free_text",
            "prompt": "Housing: where and how should new homes be built?",
            "hint": "For example which sites, what kind of homes, and for whom.",
            "required": False,
            "max_length": free,
        },
        {
            "key": "services_used",
            "type": "multiple_choice",
            "prompt": "Which of these council services have you used in the last year?",
            "hint": "Select all that apply.",
            "required": False,
            "options": [dict(o) for o in SERVICES_OPTIONS],
        },
        {
            "key": "council_listens",
            "type": "likert",
            "prompt": "How far do you agree or disagree: the council listens to residents.",
            "hint": "",
            "required": True,
        },
        {
            "key": "priorities",
            "type": "ranking",
            "prompt": "Rank these priorities for Riverside 2030, most important first.",
            "hint": "Put all five in order.",
            "required": False,
            "options": [dict(o) for o in PRIORITY_OPTIONS],
        },
        {
            "key": "budget",
            "type": "budget",
            "prompt": "If you had £100 of the council's money to spend, how would you split it?",
            "hint": "Your amounts must add up to £100. You can put £0 against any area.",
            "required": False,
            "options": [dict(o) for o in BUDGET_OPTIONS],
            "total": 100,
        },
    ]


def _labels(**kwargs) -> dict:
    return {"themes": {}, "campaign": False, "handwritten": None, **kwargs}


def _open_response(
    rng: random.Random,
    persona: _Persona,
    state: _TextState,
    fixed: dict[str, str] | None = None,
    answer_rate: float = 1.0,
) -> dict:
    """One individual's response; `fixed` holds free texts already written for it."""
    fixed = fixed or {}
    answers: dict = {}
    labels = _labels()
    tones = []
    if rng.random() < 0.93:
        answers["bus_use"] = _bus_use(rng, persona)
    wrote_about = set()
    for q in OPEN_TEXT_QUESTIONS:
        if q.key in fixed:
            answers[q.key] = fixed[q.key]
            wrote_about.add(q.key)
            continue
        rate = q.answer_rate * answer_rate
        for tag, factor in q.rate_bias.items():
            if tag in persona.tags:
                rate *= factor
        if rng.random() < 0.012 * answer_rate:
            answers[q.key] = rng.choice(NONE_ANSWERS)
            labels["themes"][q.key] = ["no_comment"]
        elif rng.random() < rate:
            text, themes, tone = _compose(rng, q, persona, state)
            answers[q.key] = text
            labels["themes"][q.key] = themes
            tones.append(tone)
            wrote_about.add(q.key)
    if answer_rate == 1.0 and not wrote_about and rng.random() < 0.85:
        q = _weighted(rng, OPEN_TEXT_QUESTIONS, [q.answer_rate for q in OPEN_TEXT_QUESTIONS])
        text, themes, tone = _compose(rng, q, persona, state)
        answers[q.key] = text
        labels["themes"][q.key] = themes
        tones.append(tone)
        wrote_about.add(q.key)
    if rng.random() < 0.86:
        answers["services_used"] = _services(rng, persona)
    mood = rng.choice(tones) if tones else "neutral"
    answers["council_listens"] = _weighted(rng, range(1, 6), _LIKERT_BY_TONE[mood])
    if rng.random() < 0.74:
        answers["priorities"] = _ranking(rng, persona, wrote_about)
    if rng.random() < 0.64:
        answers["budget"] = _budget(rng, persona)
    ordered = {q["key"]: answers[q["key"]] for q in _open_questions() if q["key"] in answers}
    return {
        "respondent_type": "individual",
        "about_you": _about_you(rng, persona),
        "answers": ordered,
        "_labels": labels,
    }


def open_consultation(seed: int = DEFAULT_SEED) -> dict:
    """ "Riverside 2030: your town, your say", open, with four weeks of responses so far."""
    rng = random.Random(seed)
    state = _TextState()
    questions = _open_questions()
    start = OPEN_OPENS.date()
    day_weights = _day_weights(OPEN_DAYS, OPEN_SPIKES, start)

    def stamp(days=None) -> str:
        d = rng.choice(days) if days else _weighted(rng, range(OPEN_DAYS), day_weights)
        return _moment(rng, start + timedelta(days=d), earliest=OPEN_OPENS)

    responses = []
    for _ in range(OPEN_ORDINARY):
        r = _open_response(rng, _make_persona(rng), state)
        responses.append({"submitted_at": stamp(), **r})

    for item in HANDWRITTEN_ANSWERS:
        persona = _make_persona(rng, item["persona"])
        r = _open_response(rng, persona, state, fixed={item["question"]: item["text"]})
        r["_labels"]["themes"][item["question"]] = [item["kind"]]
        r["_labels"]["handwritten"] = item["kind"]
        responses.append({"submitted_at": stamp(), **r})

    for _ in range(CAMPAIGN_SIZE):  # mostly the south of the borough, older or with kids
        persona = _make_persona(
            rng,
            {
                "district": _weighted(rng, DISTRICTS, (5, 5, 10, 15, 40, 25)),
                "age_band": _weighted(rng, AGE_BANDS, (1, 8, 18, 20, 22, 20, 11)),
            },
        )
        r = _open_response(
            rng, persona, state, fixed={"bins": _campaign_text(rng)}, answer_rate=0.25
        )
        r["answers"]["council_listens"] = _weighted(rng, range(1, 6), _LIKERT_BY_TONE["campaign"])
        r["_labels"]["themes"]["bins"] = ["oppose_three_weekly"]
        r["_labels"]["campaign"] = True
        responses.append({"submitted_at": stamp(CAMPAIGN_DAYS), **r})

    for org in ORGANISATION_RESPONSES:
        answers: dict = dict(org["answers"])
        answers["council_listens"] = rng.choice((2, 2, 3, 3, 4))
        if rng.random() < 0.5:
            answers["priorities"] = _ranking(rng, _make_persona(rng), set(org["answers"]))
        ordered = {q["key"]: answers[q["key"]] for q in questions if q["key"] in answers}
        responses.append(
            {
                "submitted_at": stamp(list(range(8, OPEN_DAYS))),  # organisations take longer
                "respondent_type": "organisation",
                "organisation_name": org["name"],
                "about_you": None,
                "answers": ordered,
                "_labels": _labels(
                    themes={k: ["organisation"] for k in org["answers"]},
                    handwritten="organisation",
                ),
            }
        )

    responses.sort(key=lambda r: r["submitted_at"])
    return {
        "title": "Riverside 2030: your town, your say",
        "slug": "riverside-2030",
        "status": "open",
        "opens_at": OPEN_OPENS.isoformat(),
        "closes_at": "2026-12-18T23:59:00",
        "summary": (
            "Tell us what would make Riverside a better place to live by 2030: buses, parks, "
            "bin collections, libraries and new homes. It takes about ten minutes."
        ),
        "background": OPEN_BACKGROUND,
        "documents": [dict(d) for d in OPEN_DOCUMENTS],
        "questions": questions,
        "responses": responses,
    }


# ---------------------------------------------------------------------------------------
# The closed consultation: Millbrook Park masterplan.
# ---------------------------------------------------------------------------------------

PARK_OPENS = datetime(2026, 7, 1, 9, 0)
PARK_CLOSES = datetime(2026, 9, 30, 23, 59)
PARK_DAYS = 92
# Launch (day 0), drop-in at the Millbrook summer fair (day 45, 15 August), last week.
PARK_SPIKES = {45: 2.5, 46: 1.0, 85: 0.6, 88: 0.8, 89: 1.0, 90: 1.6, 91: 2.4}
PARK_ORDINARY = 148

PARK_BACKGROUND = """\
## The draft masterplan

Millbrook Park is Riverside's largest green space: 31 hectares between the town centre
and the river, used by more than a million visits a year. Much of it is tired. The
playground is over twenty years old, the pavilion has been closed since 2021 and the
river path is unlit.

The draft masterplan sets out £3.8 million of improvements over four years, paid for by
developer contributions and a bid to the National Lottery Heritage Fund. It proposes:

- a new inclusive playground with a splash pad and a fenced toddler area
- the pavilion reopened as a café with toilets open all day, including a Changing Places toilet
- low-level, bat-friendly lighting on the main river path
- 400 new trees, wildflower meadows and a wetland at the Eastgate end that stores flood water
- a skate park and a multi-use games area
- a fenced dog exercise area
- an events lawn for up to 3,000 people
- the Millbrook Road car park extended from 40 to 90 spaces

A new path from the Millbrook Road gate to the pavilion would mean removing six of the
limes in the avenue; 400 new trees would be planted.

## What happens next

The consultation closed on 30 September 2026. We will publish what people told us, and
the changes we make to the masterplan as a result, before the final plan goes to Cabinet
in January 2027.
"""


def _park_questions() -> list[dict]:
    return [
        {
            "key": "support",
            "type": "free_text",
            "prompt": "Which parts of the draft masterplan do you support, and why?",
            "hint": "",
            "required": False,
            "max_length": 1500,
        },
        {
            "key": "change",
            "type": "free_text",
            "prompt": "What would you change, add or remove, and why?",
            "hint": "",
            "required": False,
            "max_length": 1500,
        },
        {
            "key": "overall_support",
            "type": "likert",
            "prompt": "Overall, I support the draft masterplan for Millbrook Park.",
            "hint": "",
            "required": True,
        },
    ]


def _park_response(
    rng: random.Random, persona: _Persona, state: _TextState, fixed: dict | None = None
) -> dict:
    fixed = fixed or {}
    answers: dict = {}
    labels = _labels()
    change_themes: list[str] = []
    for q in MP_TEXT_QUESTIONS:
        if q.key in fixed:
            answers[q.key] = fixed[q.key]
        elif rng.random() < 0.01:
            answers[q.key] = rng.choice(NONE_ANSWERS)
            labels["themes"][q.key] = ["no_comment"]
        elif rng.random() < q.answer_rate:
            text, themes, _tone = _compose(rng, q, persona, state)
            answers[q.key] = text
            labels["themes"][q.key] = themes
            if q.key == "change":
                change_themes = themes
    weights = [4, 8, 14, 42, 32]
    if "car_park_extension" in change_themes or "save_the_lime_avenue" in change_themes:
        weights = [8, 18, 22, 38, 14]
    if "support" not in answers:
        weights = [14, 18, 22, 30, 16]
    answers["overall_support"] = _weighted(rng, range(1, 6), weights)
    ordered = {k: answers[k] for k in ("support", "change", "overall_support") if k in answers}
    return {
        "respondent_type": "individual",
        "about_you": _about_you(rng, persona),
        "answers": ordered,
        "_labels": labels,
    }


def closed_consultation(seed: int = DEFAULT_SEED) -> dict:
    """ "Millbrook Park masterplan", closed on 30 September 2026, ready to analyse."""
    rng = random.Random(seed + 1)
    state = _TextState()
    start = PARK_OPENS.date()
    day_weights = _day_weights(PARK_DAYS, PARK_SPIKES, start)

    def stamp() -> str:
        d = _weighted(rng, range(PARK_DAYS), day_weights)
        return _moment(rng, start + timedelta(days=d), earliest=PARK_OPENS)

    responses = []
    for _ in range(PARK_ORDINARY):
        r = _park_response(rng, _make_persona(rng), state)
        responses.append({"submitted_at": stamp(), **r})
    for item in MP_HANDWRITTEN:
        r = _park_response(
            rng, _make_persona(rng, item["persona"]), state, {item["question"]: item["text"]}
        )
        r["_labels"]["themes"][item["question"]] = [item["kind"]]
        r["_labels"]["handwritten"] = item["kind"]
        responses.append({"submitted_at": stamp(), **r})
    responses.append(
        {
            "submitted_at": "2026-09-29T16:42:10",
            "respondent_type": "organisation",
            "organisation_name": "Friends of Millbrook Park",
            "about_you": None,
            "answers": {
                "support": (
                    "We strongly support the new playground, the reopened pavilion with "
                    "toilets open all day, and the lighting on the river path, all of which "
                    "our members have campaigned for. The wetland and meadows are welcome."
                ),
                "change": (
                    "We oppose the car park extension and the loss of the lime avenue. The "
                    "path can be routed around the limes at little extra cost. We also ask "
                    "for a maintenance budget and a ranger, and for the works to be phased so "
                    "the park never closes completely."
                ),
                "overall_support": 4,
            },
            "_labels": _labels(
                themes={"support": ["organisation"], "change": ["organisation"]},
                handwritten="organisation",
            ),
        }
    )
    responses.sort(key=lambda r: r["submitted_at"])
    return {
        "title": "Millbrook Park masterplan",
        "slug": "millbrook-park-masterplan",
        "status": "closed",
        "opens_at": PARK_OPENS.isoformat(),
        "closes_at": PARK_CLOSES.isoformat(),
        "summary": (
            "Our draft plan for the next four years of Millbrook Park: a new playground, the "
            "pavilion reopened, lighting on the river path, more trees and a bigger car park."
        ),
        "background": PARK_BACKGROUND,
        "documents": [
            {
                "title": "Millbrook Park draft masterplan (PDF, 8.1 MB)",
                "url": "https://www.riverside.example/parks/millbrook/draft-masterplan.pdf",
            },
            {
                "title": "Tree survey and arboricultural report",
                "url": "https://www.riverside.example/parks/millbrook/tree-survey.pdf",
            },
            {
                "title": "Ecology and bat survey",
                "url": "https://www.riverside.example/parks/millbrook/ecology-survey.pdf",
            },
        ],
        "questions": _park_questions(),
        "responses": responses,
    }


# ---------------------------------------------------------------------------------------
# People for the juries: names from the many backgrounds of a real English town.
# ---------------------------------------------------------------------------------------

# First names of white British people, by generation (born before 1961 / 1961-90 / after).
WB_WOMEN = {
    "older": (
        "Margaret", "Jean", "Patricia", "Susan", "Christine", "Janet", "Maureen", "Pauline",
        "Carol", "Linda", "Sheila", "Brenda", "Valerie", "Barbara", "Jennifer", "Elaine",
        "Gillian", "Wendy", "Hazel", "Marion", "Ann", "Sandra", "Diane", "Lesley", "June",
    ),
    "middle": (
        "Sarah", "Claire", "Emma", "Nicola", "Helen", "Joanne", "Lisa", "Rachel", "Karen",
        "Michelle", "Kelly", "Donna", "Julie", "Amanda", "Louise", "Victoria", "Rebecca",
        "Kerry", "Samantha", "Tracey", "Natalie", "Gemma", "Alison", "Dawn",
    ),
    "young": (
        "Chloe", "Megan", "Jessica", "Lauren", "Hannah", "Amy", "Sophie", "Ellie", "Holly",
        "Bethany", "Charlotte", "Olivia", "Emily", "Georgia", "Abbie", "Leah", "Katie",
        "Millie", "Grace", "Freya", "Jade", "Courtney", "Poppy",
    ),
}  # fmt: skip
WB_MEN = {
    "older": (
        "David", "John", "Michael", "Peter", "Brian", "Keith", "Derek", "Graham", "Alan",
        "Roger", "Malcolm", "Trevor", "Colin", "Barry", "Terry", "Kenneth", "Geoffrey",
        "Raymond", "Dennis", "Clive", "Roy", "Nigel", "Bernard", "Tony",
    ),
    "middle": (
        "Paul", "Mark", "Andrew", "Richard", "Stephen", "Darren", "Neil", "Simon", "Jason",
        "Lee", "Craig", "Matthew", "Wayne", "Carl", "Ian", "Stuart", "Dean", "Robert",
        "Martin", "Jonathan", "Scott", "Gary", "Adam", "Chris",
    ),
    "young": (
        "Jack", "Callum", "Liam", "Ryan", "Connor", "Jake", "Josh", "Tom", "Harry", "Lewis",
        "Kieran", "Ben", "Alfie", "George", "Charlie", "Jordan", "Reece", "Owen", "Dan",
        "Luke", "Sam", "Nathan", "Elliot",
    ),
}  # fmt: skip
WB_SURNAMES = (
    "Smith", "Jones", "Taylor", "Brown", "Williams", "Wilson", "Johnson", "Davies",
    "Robinson", "Wright", "Thompson", "Evans", "Walker", "White", "Roberts", "Green", "Hall",
    "Wood", "Jackson", "Clarke", "Hughes", "Edwards", "Harris", "Turner", "Cooper", "Hill",
    "Ward", "Morris", "Moore", "King", "Baker", "Harrison", "Morgan", "Allen", "Price",
    "Bennett", "Griffiths", "Marsh", "Fletcher", "Pearce", "Lloyd", "Barnes", "Shaw",
    "Dixon", "Hunt", "Palmer", "Sutton", "Chapman", "Webb", "Ellis", "Hayes", "Mason",
    "Holmes", "Rowe", "Atkinson", "Kemp", "Lambert", "Barker", "Fox", "Saunders",
    "Parsons", "Stevens", "Cartwright", "Booth", "Hargreaves", "Whitfield", "Ashworth",
)  # fmt: skip

# Other backgrounds: (women's names, men's names, surnames). A surname given as a pair is
# (masculine, feminine), as in Polish.
NAME_GROUPS: dict[str, tuple[tuple[str, ...], tuple[str, ...], tuple]] = {
    "irish_scottish_welsh": (
        ("Siobhan", "Niamh", "Aoife", "Eilidh", "Kirsty", "Fiona", "Morag", "Rhiannon",
         "Cerys", "Sian", "Bronwen", "Catriona", "Mairead"),
        ("Ciaran", "Declan", "Fergus", "Ruairi", "Hamish", "Gareth", "Dafydd", "Rhys",
         "Owain", "Seamus", "Eoin", "Alasdair", "Padraig"),
        ("Murphy", "O'Brien", "Kelly", "Byrne", "Doyle", "Quinn", "O'Connor", "Gallagher",
         "MacDonald", "Campbell", "Fraser", "Ross", "Reid", "Sinclair", "Llewellyn",
         "Pritchard", "Bevan", "Vaughan", "Rees", "McAllister"),
    ),
    "eastern_european": (
        ("Agnieszka", "Katarzyna", "Magdalena", "Joanna", "Marta", "Ewa", "Ioana", "Andreea",
         "Elena", "Jurgita", "Kristina", "Zuzana"),
        ("Tomasz", "Piotr", "Marek", "Krzysztof", "Paweł", "Andrei", "Bogdan", "Mihai",
         "Mindaugas", "Jan", "Lukas", "Dariusz"),
        ("Nowak", "Wójcik", "Kaczmarek", "Mazur", "Krawczyk", "Zając", "Wróbel", "Popescu",
         "Ionescu", "Dumitru", "Horvat", ("Kowalski", "Kowalska"),
         ("Wiśniewski", "Wiśniewska"), ("Lewandowski", "Lewandowska")),
    ),
    "southern_european": (
        ("Ana", "Joana", "Sofia", "Giulia", "Maria", "Inês", "Chiara", "Lucia"),
        ("Tiago", "João", "Luca", "Marco", "Carlos", "Miguel", "Giorgos", "Antonio"),
        ("Silva", "Santos", "Pereira", "Ferreira", "Rossi", "Romano", "Garcia", "Fernandes",
         "Costa", "Esposito", "Papadopoulos"),
    ),
    "indian": (
        ("Priya", "Anjali", "Sunita", "Meera", "Harpreet", "Jaspreet", "Kiran", "Pooja",
         "Neha", "Divya", "Asha", "Rupinder", "Shreya"),
        ("Ravi", "Sanjay", "Amit", "Arjun", "Rohan", "Gurpreet", "Vikram", "Rajesh",
         "Manish", "Sunil", "Deepak", "Harjit", "Nikhil"),
        ("Patel", "Shah", "Sharma", "Gill", "Mistry", "Chauhan", "Desai", "Nair", "Iyer",
         "Sandhu", "Bains", "Parmar", "Joshi", "Thakkar", ("Singh", "Kaur")),
    ),
    "pakistani_bangladeshi": (
        ("Ayesha", "Fatima", "Zainab", "Sana", "Nasreen", "Shabana", "Farhana", "Amina",
         "Rukhsana", "Hafsa", "Maryam", "Tasnim"),
        ("Mohammed", "Imran", "Bilal", "Tariq", "Rizwan", "Hamza", "Zubair", "Asif",
         "Shahid", "Faisal", "Adnan", "Kamran"),
        ("Khan", "Hussain", "Ahmed", "Ali", "Rahman", "Iqbal", "Chaudhry", "Akhtar",
         "Uddin", "Miah", "Islam", "Mahmood", "Malik", ("Ahmed", "Begum")),
    ),
    "black_caribbean": (
        ("Marcia", "Beverley", "Nadine", "Jade", "Simone", "Paulette", "Sharon", "Yvonne",
         "Tanisha", "Maxine"),
        ("Delroy", "Leroy", "Winston", "Kemar", "Andre", "Marlon", "Errol", "Jermaine",
         "Devon", "Courtney"),
        ("Francis", "Grant", "Henry", "Samuels", "Blake", "McKenzie", "Gordon", "Campbell",
         "Richards", "Bailey", "Thomas", "Lewis", "Reid"),
    ),
    "black_african": (
        ("Ngozi", "Chioma", "Funmilayo", "Abena", "Akosua", "Amara", "Blessing", "Grace",
         "Precious", "Hodan", "Fadumo", "Nkechi"),
        ("Chinedu", "Oluwaseun", "Tunde", "Kwame", "Kofi", "Emmanuel", "Samuel",
         "Abdirahman", "Mohamed", "Ikenna", "Femi", "Yaw"),
        ("Okafor", "Adeyemi", "Mensah", "Osei", "Boateng", "Okonkwo", "Adebayo", "Nwosu",
         "Abdi", "Hassan", "Mwangi", "Banda", "Owusu", "Eze"),
    ),
    "east_asian": (
        ("Mei", "Ling", "Hui", "Xin", "Yan", "Thanh", "Linh", "Jenny", "Vivian", "Wendy"),
        ("Wei", "Jun", "Hao", "Ming", "Kevin", "Minh", "Duc", "Tony", "Jason", "Kenny"),
        ("Chen", "Wong", "Li", "Zhang", "Liu", "Lam", "Ng", "Chan", "Cheung", "Nguyen",
         "Tran", "Pham"),
    ),
    "middle_eastern": (
        ("Elif", "Leyla", "Layla", "Nadia", "Yasmin", "Zeynep", "Mariam", "Shirin"),
        ("Emre", "Mehmet", "Omar", "Yusuf", "Karim", "Ahmad", "Hassan", "Reza"),
        ("Yilmaz", "Demir", "Kaya", "Haddad", "Mansour", "Rahimi", "Karimi", "Aziz",
         "Nasser", "Sadeghi"),
    ),
}  # fmt: skip
# Share of each background among people who register (white British first).
NAME_GROUP_WEIGHTS = {
    "white_british": 69.0,
    "irish_scottish_welsh": 6.0,
    "eastern_european": 6.5,
    "southern_european": 2.0,
    "indian": 3.5,
    "pakistani_bangladeshi": 3.0,
    "black_caribbean": 1.8,
    "black_african": 2.6,
    "east_asian": 1.3,
    "middle_eastern": 1.3,
    "mixed": 2.0,
}
WHITE_GROUPS = frozenset(
    {"white_british", "irish_scottish_welsh", "eastern_european", "southern_european"}
)

AREA_DISTRICTS = {"north": ("RV1", "RV2"), "central": ("RV3", "RV4"), "south": ("RV5", "RV6")}
AREA_STREETS = {
    "north": (
        "Holloway Lane", "Northgate Road", "Chestnut Avenue", "Hillside Crescent",
        "Orchard Close", "Mill Lane", "Beacon Road", "Larkspur Way", "Holloway Fields Drive",
    ),
    "central": (
        "Cromwell Street", "Victoria Terrace", "Station Road", "Tanners Row", "Market Street",
        "Eastgate Road", "Church Walk", "Bridge Street", "Albert Street", "Quayside",
    ),
    "south": (
        "Ashby Road", "Kingsmead Avenue", "Kingsmead Close", "Ferry Lane", "Meadow View",
        "Willow Drive", "Southfield Road", "Ashby Green", "Brookside", "Millbrook Road",
    ),
}  # fmt: skip
BLOCKS_OF_FLATS = (
    "Riverside Court", "Kingsmead House", "Eastgate Mews", "Quayside Point", "Foundry Wharf",
    "Beacon House", "Station Quarter Apartments",
)  # fmt: skip
_INWARD_LETTERS = "ABDEFGHJLNPQRSTUWXYZ"  # letters used in the inward half of UK postcodes


def _generation(jury_age: str) -> str:
    return {"16-29": "young", "30-44": "young", "45-64": "middle", "65+": "older"}[jury_age]


def _name(rng: random.Random, group: str, gender: str, jury_age: str) -> tuple[str, str]:
    if gender == "non_binary":
        gender = rng.choice(("woman", "man"))
    if group in ("white_british", "mixed"):
        generation = _generation(jury_age)
        if jury_age == "30-44" and rng.random() < 0.5:
            generation = "middle"
        first = rng.choice((WB_WOMEN if gender == "woman" else WB_MEN)[generation])
        if group == "mixed":
            other = rng.choice(("black_caribbean", "black_african", "indian", "east_asian"))
            return first, _surname(rng, NAME_GROUPS[other][2], gender)
        return first, rng.choice(WB_SURNAMES)
    women, men, surnames = NAME_GROUPS[group]
    return rng.choice(women if gender == "woman" else men), _surname(rng, surnames, gender)


def _surname(rng: random.Random, surnames: tuple, gender: str) -> str:
    return _gendered(rng.choice(surnames), gender)


def _gendered(surname, gender: str) -> str:
    if isinstance(surname, tuple):
        return surname[1] if gender == "woman" else surname[0]
    return surname


def _ascii(text: str) -> str:
    folded = unicodedata.normalize("NFKD", text.replace("ł", "l").replace("Ł", "L"))
    return "".join(c for c in folded if c.isascii() and (c.isalnum() or c in ".-_")).lower()


def _email(rng: random.Random, first: str, last: str, taken: set[str]) -> str:
    f, last_ = _ascii(first), _ascii(last)
    for _ in range(20):
        local = _weighted(
            rng,
            (
                f"{f}.{last_}",
                f"{f}{last_}{rng.randint(1, 99)}",
                f"{f[0]}{last_}",
                f"{f}_{last_}{rng.randint(60, 99)}",
                f"{last_}.{f}",
                f"{f}.{last_}{rng.randint(1, 9)}",
            ),
            (30, 20, 15, 10, 10, 15),
        )
        email = f"{local}@{rng.choice(('example.org', 'example.com'))}"
        if email not in taken:
            taken.add(email)
            return email
    raise RuntimeError("could not make a unique e-mail address")  # pragma: no cover


# ---------------------------------------------------------------------------------------
# The Citizens' Jury on Transport: recruiting, with its quotas, pool and agenda.
# ---------------------------------------------------------------------------------------

JURY_CATEGORIES = (
    {
        "category": "gender",
        "label": "Gender",
        "values": [
            {"value": "woman", "label": "Woman", "min": 11, "max": 13},
            {"value": "man", "label": "Man", "min": 11, "max": 13},
            {"value": "non_binary", "label": "Non-binary or other", "min": 0, "max": 1},
        ],
    },
    {
        "category": "age",
        "label": "Age",
        "values": [
            {"value": "16-29", "label": "16 to 29", "min": 4, "max": 6},
            {"value": "30-44", "label": "30 to 44", "min": 5, "max": 7},
            {"value": "45-64", "label": "45 to 64", "min": 7, "max": 9},
            {"value": "65+", "label": "65 and over", "min": 5, "max": 7},
        ],
    },
    {
        "category": "ethnicity",
        "label": "Ethnicity",
        "values": [
            {"value": "white", "label": "White (all White groups)", "min": 19, "max": 21},
            {"value": "ethnic_minority", "label": "Ethnic minority", "min": 3, "max": 5},
        ],
    },
    {
        "category": "area",
        "label": "Where in the borough",
        "values": [
            {"value": "north", "label": "North (RV1, RV2)", "min": 7, "max": 9},
            {"value": "central", "label": "Central (RV3, RV4)", "min": 7, "max": 9},
            {"value": "south", "label": "South (RV5, RV6)", "min": 7, "max": 9},
        ],
    },
    {
        "category": "car_access",
        "label": "Household has a car or van",
        "values": [
            {"value": "yes", "label": "Yes", "min": 17, "max": 20},
            {"value": "no", "label": "No", "min": 4, "max": 7},
        ],
    },
)

TRANSPORT_JURY_SESSIONS = (
    {"date": "2027-01-16", "title": "Day 1: Learning and listening", "starts_at": "10:00"},
    {"date": "2027-01-30", "title": "Day 2: Options and trade-offs", "starts_at": "10:00"},
    {"date": "2027-02-13", "title": "Day 3: Deciding our recommendations", "starts_at": "10:00"},
)

# Registration pools skew older and female, and under-represent ethnic minorities and
# people without a car: the quotas are there to correct that.
_POOL_AGES = ("16-29", "30-44", "45-64", "65+")
_POOL_AGE_WEIGHTS = (5, 16, 37, 42)
_POOL_CAR_BY_AGE = {"16-29": 0.55, "30-44": 0.8, "45-64": 0.86, "65+": 0.8}

TRANSPORT_POLL_STATEMENTS = (
    "Bus travel should be free for everyone under 19.",
    "The council should introduce a workplace parking levy to pay for better buses.",
    "The old bus station should be rebuilt next to the railway station in Station Quarter.",
    "Losing some on-street parking on Ashby Road is worth it for a protected cycle lane.",
    "A 20 mph limit should cover every residential street in Riverside.",
    "Night buses at weekends matter more than more frequent daytime buses.",
    "Parking charges in the town centre should go up to fund public transport.",
    "Older people's bus passes should be valid before 9.30am.",
    "The council should take more control of bus routes and fares, even if it costs more.",
    "Schools should have car-free streets at drop-off and pick-up times.",
)


def _transport_agenda() -> list[dict]:
    return [
        {
            "kind": "briefing",
            "title": "Welcome and how today works",
            "minutes": 20,
            "instructions": (
                "Welcome everyone, introduce the facilitation team and the ground rules: "
                "everyone gets a fair hearing, challenge ideas not people, phones on silent. "
                "Explain the jury's question and what happens to its recommendations."
            ),
        },
        {
            "kind": "briefing",
            "title": "Evidence: how Riverside gets about",
            "minutes": 30,
            "instructions": (
                "Priya Nair, Principal Transport Planner, presents the facts: who travels "
                "where and how, bus use since 2019, costs and the council's powers. Jurors "
                "note questions on cards for the next round."
            ),
            "materials": (
                "- [Evidence pack: transport in Riverside (PDF)](https://www.riverside.example/"
                "juries/transport/evidence-pack.pdf)\n"
                "- [Bus Service Improvement Plan 2026 update](https://www.riverside.example/"
                "transport/bus-service-improvement-plan)\n"
                "- [What residents told us in Riverside 2030](https://www.riverside.example/"
                "consultations/riverside-2030)"
            ),
        },
        {
            "kind": "open_discussion",
            "title": "Questions to the expert",
            "minutes": 25,
            "instructions": (
                "Jurors put their questions to the transport planner. Use the raise-hand "
                "queue; the facilitator takes one question per person before anyone asks a "
                "second."
            ),
        },
        {
            "kind": "table_discussion",
            "title": "What works now, and what doesn't",
            "minutes": 40,
            "instructions": (
                "At your tables, share how you get around Riverside and what gets in the way. "
                "Each table agrees its three biggest problems and one thing that works well."
            ),
        },
        {
            "kind": "ideas",
            "title": "Ideas for a better-connected Riverside",
            "minutes": 30,
            "instructions": (
                "Post as many ideas as you like, one per card, short and specific. The board "
                "groups similar ideas into themes as they arrive."
            ),
        },
        {
            "kind": "poll",
            "title": "Where do we agree?",
            "minutes": 20,
            "instructions": (
                "Vote agree, disagree or pass on each statement. Results stay hidden until "
                "the facilitator reveals them; then we look at where we agree and where we "
                "are split."
            ),
            "statements": list(TRANSPORT_POLL_STATEMENTS),
        },
        {
            "kind": "drafting",
            "title": "Drafting our recommendations",
            "minutes": 60,
            "instructions": (
                "Each table drafts up to three recommendations from the ideas and the poll: "
                "what should happen, who should do it and why. Other tables can propose "
                "amendments."
            ),
        },
        {
            "kind": "final_vote",
            "title": "Final vote on the recommendations",
            "minutes": 25,
            "instructions": (
                "Vote for, against or abstain on each recommendation. A recommendation "
                "passes with 80% support. Anyone who disagrees with one that passes can "
                "write a minority report."
            ),
        },
        {
            "kind": "reflection",
            "title": "Reflection and next steps",
            "minutes": 15,
            "instructions": (
                "Go round the room: one word on how today felt. Explain what happens next "
                "and when the council will respond."
            ),
        },
    ]


def jury(seed: int = DEFAULT_SEED) -> dict:
    """The Riverside Citizens' Jury on Transport, recruiting: quotas, pool and agenda."""
    rng = random.Random(seed + 2)
    target = 240
    emails: set[str] = set()
    phones = [n for n in range(1000) if n not in (123, 321, 456, 654, 789)]
    rng.shuffle(phones)
    sessions = [s["date"] for s in TRANSPORT_JURY_SESSIONS]
    registrants: list[dict] = []
    household_no = 0
    postcodes: set[str] = set()
    while len(registrants) < target:
        household_no += 1
        area = _weighted(rng, list(AREA_DISTRICTS), (30, 38, 32))
        district = rng.choice(AREA_DISTRICTS[area])
        while True:
            postcode = (
                f"{district} {rng.randint(1, 9)}"
                f"{rng.choice(_INWARD_LETTERS)}{rng.choice(_INWARD_LETTERS)}"
            )
            if postcode not in postcodes:
                postcodes.add(postcode)
                break
        street = rng.choice(AREA_STREETS[area])
        if rng.random() < 0.18:
            address = f"Flat {rng.randint(1, 40)}, {rng.choice(BLOCKS_OF_FLATS)}, {street}"
        else:
            address = f"{rng.randint(1, 180)} {street}"
        group = _weighted(rng, list(NAME_GROUP_WEIGHTS), list(NAME_GROUP_WEIGHTS.values()))
        age = _weighted(rng, _POOL_AGES, _POOL_AGE_WEIGHTS)
        car = rng.random() < _POOL_CAR_BY_AGE[age] - (0.15 if area == "central" else 0)
        gender = _weighted(rng, ("woman", "man", "non_binary"), (57, 41.5, 1.5))
        first, last = _name(rng, group, gender, age)
        members = [(first, last, gender, age, group)]
        size = _weighted(rng, (1, 2, 3), (81, 15, 4))
        if size >= 2:
            if age != "16-29" and (size == 3 or rng.random() < 0.72):  # a partner
                p_gender = (
                    rng.choice(("woman", "man"))
                    if rng.random() < 0.08
                    else ("man" if gender == "woman" else "woman")
                )
                p_group = (
                    group
                    if rng.random() < 0.88
                    else _weighted(rng, list(NAME_GROUP_WEIGHTS), list(NAME_GROUP_WEIGHTS.values()))
                )
                p_first, p_last = _name(rng, p_group, p_gender, age)
                if rng.random() < 0.65:
                    p_last = _same_family(last, p_gender)
                members.append((p_first, p_last, p_gender, age, p_group))
            if len(members) < size and age in ("45-64", "65+"):  # a grown-up child
                c_age = "16-29" if age == "45-64" else "30-44"
                c_gender = _weighted(rng, ("woman", "man", "non_binary"), (48, 48, 4))
                c_first, _ = _name(rng, group, c_gender, c_age)
                members.append((c_first, _same_family(last, c_gender), c_gender, c_age, group))
        registered = datetime(2026, 10, 5) + timedelta(
            days=min(_weighted(rng, range(40), [1.0 / (1 + d / 4) for d in range(40)]), 39)
        )
        for first, last, gender, age_band, grp in members:
            if len(registrants) >= target and len(members) == 1:
                break
            if rng.random() < 0.82:
                availability = list(sessions)
            else:
                availability = sorted(rng.sample(sessions, rng.choice((1, 2, 2))))
            registrants.append(
                {
                    "first_name": first,
                    "last_name": last,
                    "email": _email(rng, first, last, emails),
                    "phone": f"07700 900{phones.pop():03d}",
                    "address_line": address,
                    "postcode": postcode,
                    "household": f"H{household_no:03d}",
                    "features": {
                        "gender": gender,
                        "age": age_band,
                        "ethnicity": "white" if grp in WHITE_GROUPS else "ethnic_minority",
                        "area": area,
                        "car_access": "yes" if car else "no",
                    },
                    "availability": availability,
                    "registered_at": _moment(rng, registered.date()),
                }
            )
            registered += timedelta(hours=rng.randint(0, 30))
    registrants.sort(key=lambda r: r["registered_at"])
    return {
        "title": "Riverside Citizens' Jury on Transport",
        "slug": "transport-jury",
        "status": "recruiting",
        "question": (
            "How should we make it easier, fairer and greener for everyone to get around "
            "Riverside over the next ten years?"
        ),
        "description": (
            "In October 2026 the council sent 6,000 invitation letters to addresses chosen at "
            "random from the Royal Mail address file. From everyone who registers, a civic "
            "lottery will choose 24 people who together reflect the borough by gender, age, "
            "ethnicity, where they live and whether they have a car. Jurors are paid £100 a "
            "day, with childcare, care and travel costs covered. The jury meets on three "
            "Saturdays at the Riverside Guildhall."
        ),
        "panel_size": 24,
        "categories": [{**c, "values": [dict(v) for v in c["values"]]} for c in JURY_CATEGORIES],
        "sessions": [dict(s) for s in TRANSPORT_JURY_SESSIONS],
        "registrants": registrants,
        "agenda": _transport_agenda(),
    }


def _same_family(surname: str, gender: str) -> str:
    """The family's surname in the form this person would use (Kowalski / Kowalska)."""
    for *_names, surnames in NAME_GROUPS.values():
        for s in surnames:
            if isinstance(s, tuple) and surname in s:
                return _gendered(s, gender)
    return surname


# ---------------------------------------------------------------------------------------
# The finished Citizens' Jury on Climate and Energy.
# ---------------------------------------------------------------------------------------

CLIMATE_RECOMMENDATIONS = (
    {
        "title": "Retrofit every council home to EPC C by 2032",
        "text": (
            "The council should insulate and upgrade all of its 5,200 homes to at least EPC "
            "band C by 2032, starting with the worst first and the Kingsmead estate, and "
            "without raising rents to pay for it."
        ),
        "support": 19,
        "against": 1,
        "abstain": 0,
    },
    {
        "title": "A one-stop home energy advice service",
        "text": (
            "Set up a free, independent home energy service, with a phone line, home visits "
            "and a stand in the central library, that helps anyone in Riverside find out what "
            "to do to their home, which grants they can get and which installers to trust."
        ),
        "support": 18,
        "against": 1,
        "abstain": 1,
    },
    {
        "title": "Solar panels on every suitable council building",
        "text": (
            "Put solar panels on every suitable council roof, including schools, the "
            "leisure centre, the depot and the Guildhall, by 2029, and use the savings to "
            "fund further climate work."
        ),
        "support": 17,
        "against": 2,
        "abstain": 1,
    },
    {
        "title": "Safe walking and cycling routes to every school",
        "text": (
            "Create a safe walking and cycling route to every primary and secondary school, "
            "with car-free school streets at drop-off and pick-up times where the road "
            "layout allows."
        ),
        "support": 18,
        "against": 2,
        "abstain": 0,
    },
    {
        "title": "Back a community energy co-operative",
        "text": (
            "Help residents set up a Riverside community energy co-operative, with a loan "
            "and council roofs or land to lease, so that local people own renewable energy "
            "and share the income."
        ),
        "support": 17,
        "against": 1,
        "abstain": 2,
    },
    {
        "title": "Free bus travel for under-19s",
        "text": (
            "Make bus travel free for everyone under 19 in Riverside, so that young people "
            "can get to school, college, work and activities without a car and grow up "
            "using public transport."
        ),
        "support": 16,
        "against": 3,
        "abstain": 1,
    },
    {
        "title": "A workplace parking levy to fund buses",
        "text": (
            "Charge employers with more than ten parking spaces an annual levy per space, "
            "as Nottingham does, and spend all of it on buses, walking and cycling."
        ),
        "support": 12,
        "against": 7,
        "abstain": 1,
    },
    {
        "title": "Phase out wood-burning stoves in the town centre",
        "text": (
            "Stop new wood-burning stoves being installed in the town centre smoke control "
            "area and offer grants to replace existing ones, to cut air pollution."
        ),
        "support": 9,
        "against": 9,
        "abstain": 2,
    },
)

CLIMATE_MINORITY_REPORT = {
    "recommendation_title": "Free bus travel for under-19s",
    "signatories": 3,
    "text": (
        "We agree young people need cheaper buses, but we could not support free travel for "
        "every under-19. Many families in Riverside can afford fares and would gain most, "
        "while the cost, around £2 million a year, would have to come from other climate "
        "work. We would rather see free travel for young people from low-income families, "
        "apprentices and care leavers, together with a £1 flat fare for everyone under 25. "
        "That would help the people who need it most and leave money for retrofitting homes, "
        "which the evidence showed cuts far more carbon."
    ),
}

CLIMATE_COUNCIL_RESPONSES = (
    {
        "recommendation_title": "Retrofit every council home to EPC C by 2032",
        "status": "accepted_in_part",
        "text": (
            "We will bring all council homes to EPC C, starting with the 900 homes rated E, F "
            "or G and the Kingsmead estate, and rents will not rise to pay for it."
        ),
        "reasons": (
            "The full programme costs an estimated £78 million. With the Warm Homes grant we "
            "have secured, the Housing Revenue Account can fund it by 2035 rather than 2032 "
            "without cutting repairs. We will bring the date forward if more government "
            "funding becomes available."
        ),
        "owner": "Director of Housing",
        "due": "2035-03-31",
        "progress": [
            {"date": "2026-07-15", "percent": 5, "note": "Stock condition survey commissioned."},
            {
                "date": "2026-09-30",
                "percent": 12,
                "note": "£6.4m Warm Homes grant secured; first 220 Kingsmead homes scheduled.",
            },
            {
                "date": "2026-11-10",
                "percent": 18,
                "note": "Work under way on 140 homes; tenants' liaison officer appointed.",
            },
        ],
    },
    {
        "recommendation_title": "A one-stop home energy advice service",
        "status": "accepted",
        "text": (
            "We will launch Riverside Home Energy, a free advice line, home visits and a "
            "weekly drop-in at the central library, run with the Centre for Sustainable "
            "Energy model."
        ),
        "reasons": "",
        "owner": "Head of Climate and Sustainability",
        "due": "2026-12-31",
        "progress": [
            {"date": "2026-07-15", "percent": 20, "note": "Service specification agreed."},
            {"date": "2026-09-01", "percent": 55, "note": "Two energy advisers recruited."},
            {
                "date": "2026-10-20",
                "percent": 80,
                "note": "Advice line live; library drop-in starts in November.",
            },
        ],
    },
    {
        "recommendation_title": "Solar panels on every suitable council building",
        "status": "accepted",
        "text": (
            "We will install solar panels on all 34 council buildings that the roof survey "
            "found suitable, by March 2029, and ring-fence the energy savings for the "
            "climate action fund."
        ),
        "reasons": "",
        "owner": "Head of Property and Facilities",
        "due": "2029-03-31",
        "progress": [
            {"date": "2026-08-01", "percent": 10, "note": "Roof survey of 61 buildings completed."},
            {
                "date": "2026-10-15",
                "percent": 25,
                "note": "Leisure centre and depot installations complete (410 kWp).",
            },
        ],
    },
    {
        "recommendation_title": "Safe walking and cycling routes to every school",
        "status": "accepted_in_part",
        "text": (
            "We will deliver school streets at 14 primary schools by September 2028 and a "
            "safe route plan for every school, with the first six routes built by 2028."
        ),
        "reasons": (
            "Four schools are on A roads managed by the county highway authority, where "
            "closing the road at school times is not allowed; for those we will ask the "
            "county for crossings and lower speed limits instead. Building a route to every "
            "school would cost about £9 million, which we will bid for in phases."
        ),
        "owner": "Head of Highways and Transport",
        "due": "2028-09-30",
        "progress": [
            {
                "date": "2026-09-05",
                "percent": 15,
                "note": "School streets trial started at St Mary's and Kingsmead Primary.",
            },
        ],
    },
    {
        "recommendation_title": "Back a community energy co-operative",
        "status": "under_consideration",
        "text": (
            "We support the idea and are working out how the council can help a "
            "co-operative get started."
        ),
        "reasons": (
            "A feasibility study of the council roofs and land that could be leased, and of "
            "the legal basis for a start-up loan, reports to Cabinet in February 2027. We will "
            "give a full response then."
        ),
        "owner": "Head of Climate and Sustainability",
        "due": "2027-02-28",
        "progress": [
            {
                "date": "2026-10-01",
                "percent": 30,
                "note": "Feasibility study commissioned; first meeting with residents held.",
            },
        ],
    },
    {
        "recommendation_title": "Free bus travel for under-19s",
        "status": "not_accepted",
        "text": (
            "We will not introduce free bus travel for all under-19s. We will instead fund a "
            "£1 flat fare for under-22s on all routes in Riverside from April 2027 and free "
            "travel for care leavers."
        ),
        "reasons": (
            "Outside London, bus fares are set by the private operators under the Transport "
            "Act 1985; the council cannot make travel free, only pay operators to do so. "
            "Operators estimate that would cost £2.1 million a year, more than the council's "
            "entire climate budget (£1.6 million), and we could not fund it without cutting "
            "other services. The £1 fare costs £640,000 a year, which we can fund from the "
            "Bus Service Improvement Plan grant, and follows the jury's minority report."
        ),
        "owner": "Head of Highways and Transport",
        "due": "2027-04-01",
        "progress": [
            {
                "date": "2026-10-30",
                "percent": 40,
                "note": "£1 fare agreed with both operators; starts 1 April 2027.",
            },
        ],
    },
)

CLIMATE_IDEAS = _bullets("""
    - Insulate council houses first
    - Solar panels on school roofs
    - Free loft insulation for pensioners
    - Heat pump grants that people can actually get
    - A council energy advice shop on the high street
    - Community-owned solar farm on the old gasworks
    - Cheaper buses for young people
    - Free buses for under 19s
    - Bus lanes on Eastgate Road
    - More electric car chargers on streets without driveways
    - E-bike hire scheme
    - Car club cars on the estates
    - Safe cycle routes to every school
    - School streets with no cars at drop-off
    - Workplace parking levy like Nottingham
    - Higher parking charges to fund buses
    - 20mph everywhere
    - Plant 10,000 trees
    - Rain gardens in Station Quarter
    - Stop building on the floodplain
    - Rewild the river banks
    - Repair cafe in every library
    - Library of things
    - Weekly food waste collections everywhere
    - Ban single-use plastics at council events
    - Water refill points in town
    - Green roofs on new buildings
    - All new homes zero carbon from now
    - Stop new gas boilers in new council homes
    - Ban wood burners in the town centre
    - Clean air zones outside schools
    - Anti-idling signs and fines
    - Council pension fund out of fossil fuels
    - Green jobs training at Riverside College
    - Apprenticeships in retrofitting
    - Help small businesses cut energy bills
    - Energy champions on every street
    - Climate lessons using real local data
    - Publish the council's carbon emissions every year
    - A citizens' panel to check progress every year
    - Tell people what the council is already doing
    - Make it fair: help poorer households first
    - Grants for landlords to insulate rented homes
    - Enforce energy standards in private rentals
    - District heating from the river
    - Solar canopies over the Eastgate car park
    - Wind turbine on the ridge above Holloway
    - Electric bin lorries
    - Electric buses on the 12 route
    - Park and ride from the bypass
    - Better trains to the city
    - Covered bike parking at the station
    - Pedestrianise the high street on weekends
    - Buy local food for school meals
    - Community gardens on the estates
    - Compost bins half price
    - Meat-free Mondays in council canteens
    - Carbon literacy training for councillors
    - Net zero date brought forward to 2035
    - Don't forget people who can't afford any of this
""")


def _climate_members(rng: random.Random) -> list[dict]:
    """The twenty jurors, as they appear in the published record (first name, initial)."""
    plan = [  # (gender, age, ethnicity, area, car) roughly matching the borough
        ("woman", "16-29", "white", "north", "no"),
        ("man", "16-29", "ethnic_minority", "central", "no"),
        ("woman", "16-29", "white", "south", "yes"),
        ("man", "16-29", "white", "central", "yes"),
        ("woman", "30-44", "ethnic_minority", "central", "no"),
        ("man", "30-44", "white", "north", "yes"),
        ("woman", "30-44", "white", "south", "yes"),
        ("man", "30-44", "white", "south", "yes"),
        ("non_binary", "30-44", "white", "central", "no"),
        ("woman", "45-64", "white", "north", "yes"),
        ("man", "45-64", "ethnic_minority", "south", "yes"),
        ("woman", "45-64", "white", "central", "yes"),
        ("man", "45-64", "white", "north", "yes"),
        ("woman", "45-64", "white", "south", "yes"),
        ("man", "45-64", "white", "central", "yes"),
        ("woman", "65+", "white", "north", "yes"),
        ("man", "65+", "white", "south", "yes"),
        ("woman", "65+", "white", "central", "no"),
        ("man", "65+", "white", "north", "yes"),
        ("woman", "65+", "ethnic_minority", "south", "yes"),
    ]
    members = []
    minority_groups = ("indian", "pakistani_bangladeshi", "black_caribbean", "black_african")
    for gender, age, ethnicity, area, car in plan:
        if ethnicity == "white":
            group = _weighted(
                rng, ("white_british", "irish_scottish_welsh", "eastern_european"), (8, 1, 1)
            )
        else:
            group = rng.choice(minority_groups)
        first, last = _name(rng, group, gender, age)
        members.append(
            {
                "display_name": f"{first} {last[0]}.",
                "features": {
                    "gender": gender,
                    "age": age,
                    "ethnicity": ethnicity,
                    "area": area,
                    "car_access": car,
                },
            }
        )
    return members


def finished_jury(seed: int = DEFAULT_SEED) -> dict:
    """The Riverside Citizens' Jury on Climate and Energy: finished and responded to."""
    rng = random.Random(seed + 3)
    panel = 20
    threshold = 0.8
    recommendations = []
    for rec in CLIMATE_RECOMMENDATIONS:
        assert rec["support"] + rec["against"] + rec["abstain"] == panel
        recommendations.append({**rec, "passed": rec["support"] >= threshold * panel})
    return {
        "title": "Riverside Citizens' Jury on Climate and Energy",
        "slug": "climate-jury",
        "status": "finished",
        "question": (
            "How should Riverside cut its carbon emissions to net zero by 2040 in a way that "
            "is fair to everyone?"
        ),
        "description": (
            "Twenty residents, chosen by civic lottery from 212 people who answered 5,000 "
            "invitation letters, met for three Saturdays in spring 2026. They heard from 11 "
            "expert witnesses, and agreed six recommendations with at least 80% support."
        ),
        "panel_size": panel,
        "threshold": threshold,
        "sessions": [
            {"date": "2026-03-07", "title": "Day 1: The evidence", "starts_at": "10:00"},
            {
                "date": "2026-03-21",
                "title": "Day 2: Homes, energy and travel",
                "starts_at": "10:00",
            },
            {"date": "2026-04-18", "title": "Day 3: Our recommendations", "starts_at": "10:00"},
        ],
        "members": _climate_members(rng),
        "recommendations": recommendations,
        "decided_at": "2026-04-18T15:40:00",
        "minority_report": dict(CLIMATE_MINORITY_REPORT),
        "council_responses_published_at": "2026-06-24T18:00:00",
        "council_responses": [
            {**r, "progress": [dict(p) for p in r["progress"]]} for r in CLIMATE_COUNCIL_RESPONSES
        ],
        "ideas": list(CLIMATE_IDEAS),
    }


# ---------------------------------------------------------------------------------------
# Staff.
# ---------------------------------------------------------------------------------------


def staff() -> list[dict]:
    """The demo staff accounts. Passwords are the loader's business, never stored here."""
    return [
        {"email": "admin@riverside.example", "name": "Alex Morgan", "role": "admin"},
        {"email": "officer@riverside.example", "name": "Sam Okafor", "role": "officer"},
        {"email": "facilitator@riverside.example", "name": "Jo Patel", "role": "facilitator"},
    ]
