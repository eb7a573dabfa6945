"""Patients' own stories, for tests/unit/test_symptoms.py.

The phrasings of each symptom, and of what must not be a red flag, are the examples of
aftercare/lexicon/symptoms.yml; those of the trend, of aftercare/lexicon/context.yml (both
checked by tests/unit/test_lexicon_files.py).

Written per concept, in the words patients use (as on public forums where they describe their
symptoms after Botox), with their typos: not the patterns' own words. A phrasing the screen
misses is a gap in a concept's vocabulary, to be closed for the concept, not for the sentence.
"""

from aftercare.severity import Severity

# Patients' own ways of telling (or only asking about) a sign, written blind from public Q&A
# pages by a helper who had not read this file: the severity the screen must find. Those it
# still gets wrong are in KNOWN_GAPS (over-triage of questions about signs, mostly).
PATIENT_STORIES: list[tuple[str, Severity]] = [
    (
        "I think maybe my vision is slightly off since Thursday? Words on my phone go soft at the edges and blinking doesn't sharpen them. Probably just tired tbh",
        Severity.RED_FLAG,
    ),
    (
        "i keep having to shut one eye to read the subtitles, otherwise every letter has a faint twin sitting just above it",
        Severity.RED_FLAG,
    ),
    (
        "When I glance sideways at the TV there's a ghost TV next to the real one. Looking straight at it it's just the one. Is that a botox thing?",
        Severity.RED_FLAG,
    ),
    (
        "It's not that I can't see - I can - it's more that nothing quite comes into focus since Tuesday, and the street lights have fuzzy rings round them at night.",
        Severity.RED_FLAG,
    ),
    (
        "Is it OK to have a glass of wine tonight? Had my crow's feet done Monday. Also my left eye has been a bit misty since yesterday, not sure if that's related.",
        Severity.RED_FLAG,
    ),
    (
        "So I finally did it!! Booked the crow's feet for my 40th because my sister kept saying I squint in every photo. The nurse was lovely, barely felt a thing, and I went straight to lunch with the girls afterwards. First few days nothing, then by day 4 I could already see the lines softening, which was SO exciting. Had parents' evening on Thursday and a work do on Friday and nobody noticed anything, which was the whole plan. Anyway, last night we tried that new Italian place and I had to put my hand over my right eye to read the menu because the writing kept doubling up. Is that anything?",
        Severity.RED_FLAG,
    ),
    (
        "Had to pull into a layby yesterday because the white lines on the road kept splitting in two. Fine once I closed one eye. 5 days since my eyes were done, should I be bothered?",
        Severity.RED_FLAG,
    ),
    (
        "It's probably nothing, but since my top-up everything on the right side looks like I'm seeing it through a smeary window. I've cleaned my glasses twice.",
        Severity.RED_FLAG,
    ),
    (
        "hi so had botox 4 days ago round my eyes, since last nite my vison is blury in my left eye, cant really read my texts. is this normal or shld i wait it out",
        Severity.RED_FLAG,
    ),
    (
        "ok weird q but is it normal that people's faces have like a doubled outline since my tox?? kinda like a 3D movie without the glasses. day 6",
        Severity.RED_FLAG,
    ),
    (
        "I keep misjudging the bottom stair because there seem to be two of it. Had injections round my eyes last week. My husband thinks I'm being dramatic.",
        Severity.RED_FLAG,
    ),
    (
        "I'm an accountant so I'm basically staring at spreadsheets nine hours a day, and it's year-end, so everyone's stressed and I'm living on biscuits. Treated myself to crow's feet botox a week ago as a reward for surviving last year's audit. Looks good, no complaints there. Since Friday though, the rows on my screen slide over each other unless I squint with one eye shut, which is making reconciliations fun. Is that the botox or do I just need new specs? The optician can't see me till next month.",
        Severity.RED_FLAG,
    ),
    (
        "Not sure how to put this... when I look up at a high shelf things sort of split into two, then join back up when I look down again. Eyes done 8 days ago.",
        Severity.RED_FLAG,
    ),
    (
        "My eyes just won't lock on to anything close up since the injections. Everything's soft-focus, like an old photograph.",
        Severity.RED_FLAG,
    ),
    (
        "When can I wear mascara again? I've left it off since my vision went a bit fuzzy on Wednesday because I didn't want to make it worse.",
        Severity.RED_FLAG,
    ),
    (
        "I wouldn't say I'm not seeing properly, exactly, but I wouldn't say I am either. There's a haze over my left eye that wasn't there before the jabs and it's been three days.",
        Severity.RED_FLAG,
    ),
    (
        "Bit of a daft one but since my anti-wrinkle appointment my sight's gone a bit squiffy, everything slightly out of focus. Probably need an eye test but thought I'd ask.",
        Severity.RED_FLAG,
    ),
    (
        "Day 9 update for you lovely lot. The twitch I told you about on Monday has more or less calmed down - I took the magnesium and cut out my afternoon coffee like you said, and I'm sleeping better too. The bruise by my right eye is yellow now and concealer covers it. My brows are even, finally! The only new thing is that since this morning the vision in my right eye is hazy and won't clear, whatever I do. Anyway, thanks again for being so reassuring.",
        Severity.RED_FLAG,
    ),
    (
        "My granddaughter is staying with us for half term so it's been all crafts and baking, which I adore even if I'm worn out by four o'clock. She made me a card with a drawing of the two of us and I'm very proud of it. The funny thing is, when I look at it for a while the lines start to double, then I blink and it's one again, then it doubles again. It started a few days after my eye botox. My husband says it's my age, I'm 68, but my eyes were fine before.",
        Severity.RED_FLAG,
    ),
    (
        "In photos my left eyelid now covers the top of the coloured part of my eye. The right one doesn't. Noticed it this morning, day 4.",
        Severity.RED_FLAG,
    ),
    (
        "I've caught myself pushing my right eyebrow up with a finger so I can see properly out of that eye. Is that just the botox settling in?",
        Severity.RED_FLAG,
    ),
    (
        "I have to tip my head back to see the top of my laptop screen now, my right upper lid doesn't go all the way up anymore.",
        Severity.RED_FLAG,
    ),
    (
        "Probably overthinking but my left eye looks sleepy. Even when I try really hard I can't get it to open as wide as the other. Had it done a week ago.",
        Severity.RED_FLAG,
    ),
    (
        "Could be imagining it, but is one eye a bit smaller?? When I try to open both really wide the left just won't go as far.",
        Severity.RED_FLAG,
    ),
    (
        "omg my eye is literally half shut, cant open it propperly, had botox tues. i look wasted in every pic. will it go back??",
        Severity.RED_FLAG,
    ),
    (
        "Had the most gorgeous weekend away for our anniversary - we went to the Lakes, the weather actually held, and the hotel upgraded us because my husband cheekily mentioned it was a special occasion. I'd had my crow's feet and frown lines done the Tuesday before so I'd look fresh in the photos (vain, I know!). Bruising was gone by Friday, no problems there. Spa afternoon, long dinner, boat trip on the Sunday. But going through the photos last night, in every single one my left eye is half closed, even the ones where I'm trying to look wide-eyed, and it's the same in the mirror this morning. Is that normal?",
        Severity.RED_FLAG,
    ),
    (
        "It's not like my eye won't open at all. It just won't open the whole way, however much I lift my brow.",
        Severity.RED_FLAG,
    ),
    (
        "Driving is awkward because my drooping lid cuts off the top of what I can see. I have to lift my chin to see the traffic lights.",
        Severity.RED_FLAG,
    ),
    (
        "My partner says I look like I'm winking at him all day. The left lid just hangs lower and I can't get it up to match the right.",
        Severity.RED_FLAG,
    ),
    ("one lid wont go all the way up. 5 days post.", Severity.RED_FLAG),
    (
        "Reading in bed I have to hold the book lower than usual because my top lid gets in the way of the top half of the page.",
        Severity.RED_FLAG,
    ),
    (
        "I know you said heaviness is normal but this is more than heavy. The lid actually covers part of my eye and I can't open it fully.",
        Severity.RED_FLAG,
    ),
    (
        "Had a massive pitch at work on Wednesday so I got my eyes done the week before, thinking I'd look sharp and rested for it. Did all the prep, practised in front of the mirror, bought a new blazer, the lot. The pitch went well actually, we think we've got the contract! But I was self-conscious the whole time because my right eye's gone a bit lazy - the lid sort of hangs there and I have to really strain to get it up, and even then it won't go all the way. Colleagues were too polite to say anything. Is this something that sorts itself out?",
        Severity.RED_FLAG,
    ),
    (
        "The jab spot by my right eye is still red and sore a week on. If anything it's angrier than it was on day two.",
        Severity.RED_FLAG,
    ),
    (
        "Quick question about aftercare products - I've been using the arnica you recommended and it was brilliant for the bruise, that's all gone. Lines look amazing, honestly the best result I've had, and the twitch stopped by the weekend. I've been back at spin class since day 3 with no issues. My mum wants to come to you now too! The one niggle is the spot above my left eyebrow: it's still red and throbs every evening, and it's been ten days now. Should I keep putting arnica on that or use something else?",
        Severity.RED_FLAG,
    ),
    (
        "Is it normal for an injection point to still hurt when my glasses rest on it two weeks later? There's a red patch there as well.",
        Severity.RED_FLAG,
    ),
    (
        "the injectoin site under my eyebrow is stil red n sore after 6 days, getting bigger if anything",
        Severity.RED_FLAG,
    ),
    (
        "What moisturiser is safe near the injection spots? One on the left has been red and stingy since last week and my usual cream makes it sting more.",
        Severity.RED_FLAG,
    ),
    (
        "So I got my first tox at a med spa near my office, super cute place, the injector was really sweet and explained everything. I was nervous about bruising because I have a wedding next month but there was literally nothing, I was back at my desk in 20 mins. The lines are already way softer and my husband says I look 'relaxed' lol. The only thing is, it's day 8 and one injection spot at my crow's feet is still red and kinda hot, and it hurts when I smile. Advil takes the edge off but it keeps coming back. Is that normal-ish?",
        Severity.RED_FLAG,
    ),
    (
        "Not painful exactly, more of a constant ache - the point above my right brow, nearly a fortnight now - and it's gone a dusky red colour.",
        Severity.RED_FLAG,
    ),
    (
        "Every sip of tea sets me off coughing and spluttering, like it's going down the wrong pipe. Started yesterday. Had my crow's feet done last week. Otherwise fine!",
        Severity.EMERGENCY,
    ),
    (
        "Bit weird, but tablets seem to get stuck halfway down since Sunday - I've been crushing my paracetamol into yoghurt. Had botox round my eyes Thursday, probably unrelated?",
        Severity.EMERGENCY,
    ),
    (
        "Had a lovely dinner party on Saturday, cooked for eight - beef wellington, which I've never attempted before, and it actually worked! Everyone asked what I'd had done because apparently I look 'well rested'; I'd had the area round my eyes done on the Monday. We stayed up far too late and I was a bit hungover on Sunday so I didn't think much of it, but I couldn't get a mouthful of the leftover beef down at lunch, it just sat in my throat and I had to spit it out. Same with toast this morning. Probably the hangover?",
        Severity.EMERGENCY,
    ),
    (
        "I think I'm swallowing a bit funny? Like I have to think about it, and sometimes do it twice before it goes down.",
        Severity.EMERGENCY,
    ),
    (
        "Can I take ibuprofen for the headache? I've found it hard to swallow tablets since yesterday, so would the liquid kind be better?",
        Severity.EMERGENCY,
    ),
    (
        "My husband asked if I'd been drinking at lunch because my words are coming out all slurry and soft. I haven't touched a drop. Had botox Tuesday.",
        Severity.EMERGENCY,
    ),
    (
        "I teach year 4 so my voice is basically my whole job. Had my crow's feet done on the Friday of half term so any bruising would be gone by the time I went back, which it was, so that worked. But this week my voice has gone all nasal and quiet, the kids keep saying 'what, Miss?' and I've had to use the whistle in PE because I can't shout. Everyone in the staffroom has a cold at the moment so probably that? Just checking it's not the botox.",
        Severity.EMERGENCY,
    ),
    (
        "cant talk properly, tongue feels thick and the words wont come out right. had botox yesterday round eyes. sorry for spelling",
        Severity.EMERGENCY,
    ),
    (
        "I normally run 5k without a thought, but since the weekend I'm out of breath just climbing the stairs. Probably nothing?",
        Severity.EMERGENCY,
    ),
    (
        "I can't seem to get a full breath in, like my chest won't expand all the way. Had the crow's feet done 4 days ago.",
        Severity.EMERGENCY,
    ),
    (
        "Every time I lie flat I feel like I can't breathe properly, so I've been sleeping propped up on four pillows. Is that a normal after-botox thing?",
        Severity.EMERGENCY,
    ),
    (
        "My throat feels tight, like someone's got a hand loosely round it. Started about an hour after the jabs.",
        Severity.EMERGENCY,
    ),
    (
        "Not sure if I'm imagining it but there's a squeezing feeling in my throat since this afternoon and I keep clearing it.",
        Severity.EMERGENCY,
    ),
    (
        "Had it done this morning at 9 and went straight off to get my nails done and then a quick Nando's with my sister because we hadn't caught up in ages. She was telling me about her new job, her boss sounds like a nightmare, and we were laughing about our mum's latest Facebook posts. Then she stopped mid-sentence and said 'what's happened to your mouth?' - I looked in my phone camera and my lips have puffed right up like I've had filler, but I only had botox round the eyes! Is that a reaction?",
        Severity.EMERGENCY,
    ),
    (
        "tongue feels too big for my mouth and kind of tingly. had the treatment 2 hrs ago",
        Severity.EMERGENCY,
    ),
    (
        "Woke up and I genuinely don't recognise myself - my face has ballooned and my lips are twice their size. Had botox yesterday afternoon. Is this the 'mild swelling' on the leaflet?",
        Severity.EMERGENCY,
    ),
    (
        "Should I take an antihistamine? I've come up in itchy welts on my neck and my bottom lip's started swelling.",
        Severity.EMERGENCY,
    ),
    (
        "Strange one for you. Top lip's gone really fat and my cheeks look like a hamster's. Not sure if it's the jabs or something I ate.",
        Severity.EMERGENCY,
    ),
    (
        "I feel weak all over, like my arms are full of sand. Couldn't lift the kettle this morning.",
        Severity.EMERGENCY,
    ),
    (
        "My legs went wobbly walking the dog and I had to sit down on a wall. Arms feel floppy too. Had botox around my eyes 6 days ago - could it be a virus?",
        Severity.EMERGENCY,
    ),
    (
        "I'm probably just run down, but I can't hold my arms up long enough to dry my hair, and my neck feels too weak to keep my head up at my desk.",
        Severity.EMERGENCY,
    ),
    (
        "Sorry this is long. Three kids, full-time job, so I treated myself to botox round my eyes last Friday as a little pick-me-up. Honestly it's been great, the twins didn't even notice (charming). Monday was chaos - school run, dentist, my eldest had a meltdown about football boots. Tuesday I thought I was coming down with something because I felt wiped out. Today I went to do the school run and gripping the steering wheel was genuinely hard, my hands felt weak and heavy, and when I got home I had to pull on the banister with both hands to get up the stairs. Maybe I just need an early night?",
        Severity.EMERGENCY,
    ),
    (
        "Can I walk? Yes. Do my legs feel like mine? Not really - everything's heavy and weak since Wednesday.",
        Severity.EMERGENCY,
    ),
    (
        "My eyes have gone blurry and now I'm coughing whenever I eat anything. 5 days since my injections.",
        Severity.EMERGENCY,
    ),
    (
        "Both lids drooping now, not just one, and my voice is weak and I keep choking on water. Eyes done 6 days ago.",
        Severity.EMERGENCY,
    ),
    (
        "Sorry to bother you on a Sunday. Small thing - there's a weird pressure in my throat and I feel a bit breathless. Probably anxiety, I'm a worrier.",
        Severity.EMERGENCY,
    ),
    (
        "face swole up n lips tingly n puffy, only had botox today round my eyes, wat do i do",
        Severity.EMERGENCY,
    ),
    (
        "lowkey freaking out, my throat feels super tight and it's kinda hard to swallow my own spit rn",
        Severity.EMERGENCY,
    ),
    (
        "The kids are laughing at how I talk - they say I sound like I've just come from the dentist. My S's are slurring and it's hard to get words out. 3 days after botox.",
        Severity.EMERGENCY,
    ),
    (
        "Honestly feel a bit silly messaging. I had my eyes done on Friday with you, all fine, the nurse was brilliant. Weekend was quiet, I had a cold coming on so I stayed in and watched telly. Monday I was back at work and felt a bit off but assumed it was the cold. This morning I couldn't get up off the sofa without pushing up with both arms, and I've dropped my phone twice because my grip's just gone. Husband says I'm run down and to have a Lemsip and go to bed. Is he right?",
        Severity.EMERGENCY,
    ),
    (
        "Feeling a bit sick since the botox, is that normal? Also my tongue's gone swollen at the sides, you can see the marks of my teeth in it.",
        Severity.EMERGENCY,
    ),
    (
        "The little pinprick spots sting a bit when I touch them. I only had it done at lunchtime today, so I assume that's just from the needles?",
        Severity.EXPECTED,
    ),
    (
        "Got home an hour ago and there are red dots all round my eyes like mosquito bites. Is that right?",
        Severity.EXPECTED,
    ),
    (
        "My forehead and brows feel really heavy, like I'm wearing a hat a size too small, but my eyes open completely and look the same in the mirror.",
        Severity.EXPECTED,
    ),
    (
        "My eyelid is jumping like there's a tiny creature living in it!! Day 4. Driving me mad - is my face broken?",
        Severity.EXPECTED,
    ),
    (
        "No blurry vision, no double vision, eyes open fine - it's just the bruise at the corner of my left eye that bothers me, day 2.",
        Severity.EXPECTED,
    ),
    (
        "My sister ended up with a droopy eyelid from hers last year so I'm paranoid, but all I've actually got is one brow sitting a touch higher than the other. Day 6.",
        Severity.EXPECTED,
    ),
    (
        "Last time, two years ago at a different clinic, my lid dropped and I couldn't open it properly for weeks. This time both lids are level and open fully - I just have a faint twitch under the right eye. Should I worry?",
        Severity.EXPECTED,
    ),
    (
        "My eyes keep streaming like I'm chopping onions, especially out in the wind. Crow's feet done 5 days ago. I can see perfectly well, it's just annoying.",
        Severity.EXPECTED,
    ),
    ("Eyes feel sandy and dry, like after a long-haul flight. Drops help.", Severity.EXPECTED),
    (
        "I look like I've been in a pub fight, there's a purple bruise the size of a 5p next to my right eye. Day 1.",
        Severity.EXPECTED,
    ),
    (
        "There are little raised lumps where each needle went in, like tiny bee stings, only at the dots. Had it done half an hour ago.",
        Severity.EXPECTED,
    ),
    (
        "I've got a Spock brow on the left! One eyebrow is arched up like I'm permanently sceptical. Day 7.",
        Severity.EXPECTED,
    ),
    (
        "I think maybe my lids are drooping?? They feel heavy. But I've checked in the mirror and both eyes open all the way and look the same as before. Is it just my forehead?",
        Severity.EXPECTED,
    ),
    (
        "Not that my eye doesn't open, because it does, fully - it just feels heavier than the other one in the evenings when I'm tired.",
        Severity.EXPECTED,
    ),
    (
        "Day two and pressing on the injection points still feels a bit bruised, like a sore muscle. Not red, just tender.",
        Severity.EXPECTED,
    ),
    (
        "I had it done this morning and the dots by my eyes are a bit pink. I've got a work do tonight - can I put make-up over them?",
        Severity.EXPECTED,
    ),
    (
        "HELP my face looks wonky!! When I smile one eyebrow shoots up and the other doesn't. Eyes themselves are fine, no droopy lid, seeing fine. Day 5.",
        Severity.EXPECTED,
    ),
    (
        "Swallowing fine, breathing fine, talking fine (I checked, because I read the scary leaflet!) - the only thing is a twitch in my lower lid.",
        Severity.EXPECTED,
    ),
    (
        "hiya had botox yday, got a lil bruise by my eye n the spot is abit tender, normal yeh?",
        Severity.EXPECTED,
    ),
    (
        "A bit puffy around the injection spots this evening, small raised bits at each point. No swelling anywhere else on my face and my lips are normal.",
        Severity.EXPECTED,
    ),
    (
        "Eyelid has been fluttering on and off for 3 days straight, super annoying on zoom calls lol. Vision totally fine.",
        Severity.EXPECTED,
    ),
    (
        "My eyebrows feel like they weigh a ton and I can't do my surprised face anymore. The eyes themselves open normally.",
        Severity.EXPECTED,
    ),
    (
        "It feels like a little pulse going off under my eye, like a heartbeat in my eyelid. Comes and goes.",
        Severity.EXPECTED,
    ),
    (
        "Can I go to the gym tonight? Had it done at 10 this morning - the spots are red and a little sore but otherwise I'm grand.",
        Severity.EXPECTED,
    ),
    (
        "My brows have come down a tiny bit so I look a bit grumpy, but my lids are fine and my eyes open as wide as ever.",
        Severity.EXPECTED,
    ),
    (
        "I've had double the number of twitches today compared to yesterday - is it getting worse? Day 5.",
        Severity.EXPECTED,
    ),
    (
        "Had to swallow a couple of paracetamol this morning because the injection spots were a bit sore - only had them done yesterday. Is that OK with botox?",
        Severity.EXPECTED,
    ),
    (
        "My frown feels so weak, I literally can't scowl at my kids anymore haha. Also a little bruise at the side.",
        Severity.EXPECTED,
    ),
    (
        "Took a sharp breath when I saw the bruise in the mirror this morning! Greenish-purple, about the size of a pea, day 2. Normal?",
        Severity.EXPECTED,
    ),
    (
        "The redness at the spots was gone by the evening of day one, but I've had this persistent little twitch since day three. I'm on day six now.",
        Severity.EXPECTED,
    ),
    (
        "Okay I need a sanity check. Had my first ever botox on Saturday (crow's feet + a bit between the brows) and I've been studying my face like a crime scene ever since. Sunday: tiny bumps gone, one bruise near my left eye. Monday: bruise went greenish, fine. Tuesday: my husband said my right eyebrow looked 'suspicious', and he's right, it's sitting a few millimetres higher than the left, like I'm raising one brow at everything he says (which, to be fair...). Eyes open normally, I can see fine, no pain. Is the eyebrow thing going to even out or do I need a top-up?",
        Severity.EXPECTED,
    ),
    (
        "My eye won't stop watering, I look like I'm crying at my desk and people keep asking if I'm alright. Day 3. I can see fine through it though.",
        Severity.EXPECTED,
    ),
    (
        "Eyes feel heavy in the afternoons, like when you've been up all night, but when I check they open all the way and look normal.",
        Severity.EXPECTED,
    ),
    (
        "The nurse said the soreness might last a day or two, and it's day two now and it's already fading - just checking that's the right direction?",
        Severity.EXPECTED,
    ),
    (
        "My friend had a droopy eyelid after her botox and it took ages to settle. How long does that usually last?",
        Severity.EXPECTED,
    ),
    ("Is it true you shouldn't fly after botox in case the eyelid drops?", Severity.EXPECTED),
    (
        "Had mine done yesterday and all good so far! Just so I know, which signs mean I should ring you straight away?",
        Severity.EXPECTED,
    ),
    (
        "What's the difference between normal heaviness and a proper droopy eyelid? Asking so I know what to look out for.",
        Severity.EXPECTED,
    ),
    ("Can eye drops fix a drooping lid if it happens?", Severity.EXPECTED),
    (
        "hypothetically if my lid drooped after the tox would you guys fix it for free or whats the policy",
        Severity.EXPECTED,
    ),
    (
        "Does rubbing the area make botox spread to the eyelid? I want to avoid that.",
        Severity.EXPECTED,
    ),
    (
        "wat r the chances of getting double vison from crows feet botox? getting it done friday n im scared",
        Severity.EXPECTED,
    ),
    (
        "Quick one - if I get a bit of redness at the jab sites, at what point should I be bothered?",
        Severity.EXPECTED,
    ),
    ("Does Dysport cause less eyelid drooping than Botox?", Severity.EXPECTED),
    ("If I did get a droopy lid from botox, would it be safe to drive?", Severity.EXPECTED),
    (
        "When I had botox with you last year it was perfect. Booking again - is there still a risk of a droopy eyelid this time even though I was fine before?",
        Severity.EXPECTED,
    ),
    (
        "Does alcohol make a droopy eyelid more likely? Wedding tomorrow and I had it done today, everything's fine so far.",
        Severity.EXPECTED,
    ),
    (
        "Can botox spread down to the throat and make it tight? Asking out of morbid curiosity.",
        Severity.EXPECTED,
    ),
    (
        "One of the little injection dots beside my eye still hasn't faded after 9 days - pink, warm and tender when I touch it. I'm sure it's nothing.",
        Severity.RED_FLAG,
    ),
    (
        "Right, so my colleague has been telling everyone in the office that her mum ended up in A&E with breathing problems after botox, and that her aunt's face swelled up like a balloon, and I'd had mine done the day before, so I spent the afternoon in a complete panic checking myself in the loos every half hour. Breathing fine. Face fine. Lips fine. Talking fine, obviously, I haven't stopped! Honestly all I've got is a small bruise by my left eye and a bit of twitching. I just want someone sensible to tell me that's OK.",
        Severity.EXPECTED,
    ),
    (
        "If someone ends up with double vision from botox, does it wear off by itself or do they need treatment?",
        Severity.EXPECTED,
    ),
    (
        "I read online about someone who couldn't swallow after botox - does that happen with cosmetic doses or only the big medical ones?",
        Severity.EXPECTED,
    ),
    # Written for the person who had the treatment: her sign is the report (issue 25, a
    # carer writing for the patient).
    (
        "My aunt had botox in Turkey and now she can't open one eye properly. Who should she see?",
        Severity.RED_FLAG,
    ),
    (
        "My sister says her lips swelled up after botox years ago. Can you actually be allergic to it?",
        Severity.EXPECTED,
    ),
    (
        "Why would some people get blurred vision from botox when it's injected in the skin and not the eye?",
        Severity.EXPECTED,
    ),
    (
        "Are there people who shouldn't have botox because they'd be more likely to end up seeing double?",
        Severity.EXPECTED,
    ),
    (
        "What number do I ring if I ever have trouble breathing after the treatment? I just want it saved in my phone.",
        Severity.EXPECTED,
    ),
    (
        "Hi! I'm thinking about booking crow's feet with you before my 50th in March. Bit of context: I've never had anything done, I'm terrified of needles, and my colleague had botox somewhere cheap last year and ended up with double vision for about a month - she had to wear an eye patch at work and everyone called her Captain. I'd rather pay more and go somewhere proper! Could you tell me how you'd make sure that doesn't happen to me, and what I'd need to do afterwards to lower the risk? Also, do you do payment plans?",
        Severity.EXPECTED,
    ),
    (
        "My mum's booked in with you next week and she's worried about an allergic reaction with a swollen face. How would she know if it was happening?",
        Severity.EXPECTED,
    ),
    # 29 November, third session: worse than before, a throat that "has been feeling" tight,
    # a lid halfway down, focusing.
    (
        "the needle mark by my brow is sore and pink, and it hurts more than it did yesterday",
        Severity.RED_FLAG,
    ),
    (
        "one of the injection bumps is redder than it was on monday and still tender",
        Severity.RED_FLAG,
    ),
    (
        "also, random, but my throat has been feeling sort of tight since the afternoon",
        Severity.EMERGENCY,
    ),
    ("my throat may be slightly tight? could be nerves", Severity.EMERGENCY),
    ("my left lid hangs halfway down since sunday", Severity.RED_FLAG),
    ("my right eye won't open wide, I can't raise it fully even when I try", Severity.RED_FLAG),
    ("it's hard to focus my eyes since the injections", Severity.RED_FLAG),
    ("my eyes take ages to focus when I look up from my phone", Severity.RED_FLAG),
    ("I have to squint to get the words on my phone sharp", Severity.RED_FLAG),
    ("the twitching is no worse than before, my eyes focus fine", Severity.EXPECTED),
    ("my throat is not tight and I can swallow fine, just a twitch", Severity.EXPECTED),
    ("what will happen if my lid drops so far I can't open my eye?", Severity.EXPECTED),
    ("speaking has become a huge effort since this morning", Severity.EMERGENCY),
    ("I tip my head back to be able to see under my lid", Severity.RED_FLAG),
    ("my lid keeps dropping and now it covers half of my pupil", Severity.RED_FLAG),
    ("the concealer covers the bruise under my eye nicely", Severity.EXPECTED),
    # One slip of the finger in the word that names the sign (aftercare/spelling.py).
    ("my thraoat feels tigth since the jabs", Severity.EMERGENCY),
    ("evrything looks dubble when I look up", Severity.RED_FLAG),
    ("I cna barely swalow my own spit", Severity.EMERGENCY),
    ("my eylid is so heavvy I cant opne my eye", Severity.RED_FLAG),
    ("my fcae and lisp have swolen up", Severity.EMERGENCY),
    ("my eye is twtiching a bit, no blurr and it opens fine", Severity.EXPECTED),
    ("it dosent hurt and its not red, just a littel bruise", Severity.EXPECTED),
    # A mending never denies: "nost" is not "not", and the sign stays reported.
    ("nost nights my throat feels tigth", Severity.EMERGENCY),
    ("I woke up and notw my throat feels tigth", Severity.EMERGENCY),
    ("hola, tengo una pregunta sobre el botox de ayer", Severity.EXPECTED),
    # The reviewer's reports that must stay reports.
    ("it feels like my throat could be closing up", Severity.EMERGENCY),
    ("it's hard to focus since the injections", Severity.RED_FLAG),
    ("I have to blink to make it clear", Severity.RED_FLAG),
    ("it's dropped so much I can't lift it all the way", Severity.RED_FLAG),
    ("my lid droops. I can't lift it all the way", Severity.RED_FLAG),
    # ... and the ordinary messages that must not be flagged.
    ("the redness is no worse than it was", Severity.EXPECTED),
    ("I wear sunglasses outside, they cover my eyes", Severity.EXPECTED),
    ("my fringe is long, it covers my eyes", Severity.EXPECTED),
    ("can I wear concealer? it covers my eye bags", Severity.EXPECTED),
    ("I tilt my head back to see the tv when I'm lying in bed", Severity.EXPECTED),
    (
        "what would happen if my lid dropped as much as my sister's did and I couldn't open my eye?",
        Severity.EXPECTED,
    ),
    ("I can't focus on work because the twitch is annoying", Severity.EXPECTED),
    # The second reviewer's: no vision, no persistence, no throat, no eyelid in these.
    ("just to make it clear, I have no other symptoms", Severity.EXPECTED),
    ("I get a sharp sting at one injection site when I frown, day 1", Severity.EXPECTED),
    ("can you make it clear what I should do about the bruise", Severity.EXPECTED),
    ("I can't focus because the twitch is so annoying", Severity.EXPECTED),
    ("finding it hard to focus at school this week with the twitch", Severity.EXPECTED),
    ("the redness is no bigger than it was", Severity.EXPECTED),
    ("the redness isn't any bigger than it was yesterday", Severity.EXPECTED),
    ("it's tender but it hurts no more than it did yesterday", Severity.EXPECTED),
    ("my throat stopped feeling tight", Severity.EXPECTED),
    ("my throat used to get tight with hay fever years ago", Severity.EXPECTED),
    ("my throat would feel tight if it was an allergy, right?", Severity.EXPECTED),
    ("my eyebrows feel heavy and I can't raise them fully", Severity.EXPECTED),
    ("I can't lift them all the way at the gym since my shoulder op", Severity.EXPECTED),
    # ... and the reports a supposition does not hide.
    (
        "what would happen if i wait till monday as my vision has gone blurry",
        Severity.RED_FLAG,
    ),
    (
        "what would happen if I leave it because I can't open my eye properly",
        Severity.RED_FLAG,
    ),
    (
        "years ago my lid dropped and I couldn't lift it all the way for weeks, this time it's fine",
        Severity.EXPECTED,
    ),
    # General questions about what the treatment can do (aftercare/lexicon/questions.yml).
    (
        "My husband has finally agreed to come with me for his crow's feet (he's been nicking my eye cream for years, so it's about time). Thing is, he has myasthenia gravis - it's well controlled, he's on pyridostigmine and sees his neurologist every six months. I've read botox can cause weakness and breathing or swallowing problems, and that people with his condition are more at risk. Would you still treat him, or should he ask his neurologist first? He's keen but I'm the worrier in this house.",
        Severity.EXPECTED,
    ),
    (
        "My daughter's 19 and wants baby botox. I've read it can cause trouble speaking and swallowing - is that true at low doses?",
        Severity.EXPECTED,
    ),
    (
        "Waking up with my eyes feeling dry and a bit stuck, takes a minute and some drops and then they're OK for the day.",
        Severity.EXPECTED,
    ),
    (
        "Before I book: how often does botox around the eyes cause problems with swallowing or breathing?",
        Severity.EXPECTED,
    ),
]

KNOWN_GAPS: list[tuple[str, Severity]] = [
    (
        "I can't thread a needle anymore, I see two eyes on the needle and the thread goes right between them :( crow's feet done Saturday",
        Severity.RED_FLAG,
    ),
    (
        "My mascara wand keeps bumping into my top lid because it sits lower over my lashes now, and I can't lift it out of the way.",
        Severity.RED_FLAG,
    ),
    (
        "Are the eye drops you mentioned at the consultation available over the counter? My right lid has dropped and won't come up all the way, so I'd like to try them.",
        Severity.RED_FLAG,
    ),
    (
        "Slightly embarrassing, but people at work keep saying I look half asleep. Right eyelid's come down a fair bit since Friday and doesn't open fully.",
        Severity.RED_FLAG,
    ),
    (
        "Struggling to say my Ps and Bs since yesterday - my lips won't press together properly, and talking for a while wears me out.",
        Severity.EMERGENCY,
    ),
    (
        "Back from a week in Spain - had my eyes done the day before we flew out (I know, I know, I should've waited). Results are fab, no bruising, and my brows are lovely and even. Hotel was gorgeous, food was amazing, I'm at least half a stone heavier. We did loads of walking in the old town, which I normally love. But by the end of the week I was puffing like an old steam train just walking from the pool to our room, and I had to stop for a breather halfway up the hill every day. Put it down to the heat. It's still like that now we're home in the cold, though.",
        Severity.EMERGENCY,
    ),
    (
        "Drink keeps dribbling out the side of my mouth and swallowing takes real effort, I have to concentrate on every mouthful.",
        Severity.EMERGENCY,
    ),
    (
        "Halfway through sentences I have to stop and take a breath now, my friends have noticed it on the phone.",
        Severity.EMERGENCY,
    ),
    (
        "My eyes were blurry on the drive to the appointment because I'd been crying after a row with my sister - it cleared within ten minutes and my vision's been perfectly normal since. Three days on, the only thing I've noticed is my eyes feel a bit dry.",
        Severity.EXPECTED,
    ),
    (
        "Right, so, bit of background: I'm a nervous patient and I read every horror story on the internet before I came in, including the one about the woman whose eye wouldn't open and the one who saw double for a month. My best friend talked me into it in the end. I'm now on day 5 and, touch wood, none of that has happened - vision's crystal clear and my eyes open as wide as they ever did. What I DO have is a flickery twitch at the outer corner of my left eye that comes and goes, mostly when I'm on my laptop. I've cut down on coffee. Is that just the settling-in thing?",
        Severity.EXPECTED,
    ),
    (
        "At the consult you said to come back if I got double vision. I haven't! Just letting you know I've got the twitch you warned me about. Is magnesium OK to take?",
        Severity.EXPECTED,
    ),
    (
        "My concealer keeps going blurry and patchy over the bruise, what can I use to cover it properly? Day 2.",
        Severity.EXPECTED,
    ),
    (
        "Is blurry vision one of the things I should be watching for over the next two weeks?",
        Severity.EXPECTED,
    ),
    (
        "How long after the injection can vision problems start? The first day, or can it be two weeks later?",
        Severity.EXPECTED,
    ),
    ("Is persistent pain at the injection site a sign of infection?", Severity.EXPECTED),
    (
        "I'm writing an article on cosmetic treatments - what are the emergency signs after botox, like trouble breathing?",
        Severity.EXPECTED,
    ),
    # A supposition run on into a report with no word between: the screen takes the sign
    # for part of the supposition (a connective, "because" or "as my ...", ends it).
    (
        "what would happen if i just wait it out my throat feels tight and i can hardly swallow",
        Severity.EMERGENCY,
    ),
]
